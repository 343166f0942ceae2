// The knowledge-graph explorer: ECharts graph series fed by /api/graph/neighbours (click a node to expand it) and
// /api/graph/path (shift-click = start, alt-click = end). Node ids are the API's "type:key" strings.
(function () {
  var el = document.getElementById("graph-canvas");
  if (!el || !window.echarts) return;
  var config = JSON.parse(document.getElementById("graph-config").textContent);
  var colours = { patent: "#1d5fa8", org: "#b0302a", person: "#2e8b57", taxon: "#8a6d3b", demand: "#9b59b6",
                  deal: "#e67e22", pledge: "#16a085", product: "#7f8c8d" };
  var categories = config.types.map(function (t) { return { name: config.type_labels[t] || t, itemStyle: { color: colours[t] } }; });
  var nodes = {}, links = {}, expanded = {}, highlighted = {};
  var chart = echarts.init(el);
  var status = document.getElementById("graph-status");

  function draw() {
    chart.setOption({
      animation: false, tooltip: { formatter: function (p) { return p.dataType === "node" ? p.data.tip : p.data.kind; } },
      legend: [{ data: categories.map(function (c) { return c.name; }), bottom: 0 }],
      series: [{ type: "graph", layout: "force", roam: true, draggable: true, categories: categories,
        force: { repulsion: 160, edgeLength: 80 }, label: { show: true, position: "right", fontSize: 11 },
        edgeLabel: { show: false }, emphasis: { focus: "adjacency" },
        data: Object.keys(nodes).map(function (id) { return nodes[id]; }),
        links: Object.keys(links).map(function (k) { return links[k]; }) }]
    }, { replaceMerge: ["series"] });
  }

  function addNode(n) {
    var cat = config.types.indexOf(n.type);
    var label = n.label.length > 18 ? n.label.slice(0, 18) + "…" : n.label;
    nodes[n.id] = { id: n.id, name: label, category: cat < 0 ? 0 : cat, tip: (config.type_labels[n.type] || n.type) +
      " " + n.id + "<br>" + n.label + (n.title ? "<br>" + n.title : "") + (n.affiliation ? "<br>" + n.affiliation : ""),
      symbolSize: highlighted[n.id] ? 26 : (expanded[n.id] ? 20 : 12),
      itemStyle: highlighted[n.id] ? { borderColor: "#000", borderWidth: 3 } : {} };
  }

  function addEdge(e, onPath) {
    var key = e.source + "|" + e.target + "|" + e.kind;
    links[key] = { source: e.source, target: e.target, kind: e.kind,
                   lineStyle: onPath ? { width: 4, color: "#000" } : { opacity: 0.5 } };
  }

  function selectedTypes() {
    return Array.prototype.map.call(document.querySelectorAll("#graph-types input[name=types]:checked"),
                                    function (x) { return x.value; });
  }

  function expand(id) {
    var limit = document.getElementById("graph-limit").value || 30;
    var url = "/api/graph/neighbours?node=" + encodeURIComponent(id) + "&limit=" + limit +
              "&types=" + encodeURIComponent(selectedTypes().join(","));
    status.textContent = "…";
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json().then(function (b) { return [r, b]; }); })
      .then(function (rb) {
        var body = rb[1];
        if (!rb[0].ok) { status.textContent = (body.error && body.error.message) || body.detail || rb[0].status; return; }
        expanded[id] = true;
        addNode(body.node);
        body.nodes.forEach(addNode);
        body.edges.forEach(function (e) { addEdge(e, false); });
        status.textContent = body.node.label + ": " + body.nodes.length + (body.truncated ? "+" : "");
        draw();
      });
  }

  chart.on("click", function (p) {
    if (p.dataType !== "node") return;
    var e = p.event && p.event.event;
    if (e && e.shiftKey) { document.getElementById("graph-from").value = p.data.id; return; }
    if (e && e.altKey) { document.getElementById("graph-to").value = p.data.id; return; }
    expand(p.data.id);
  });

  document.getElementById("graph-search").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = document.getElementById("graph-q").value;
    var out = document.getElementById("graph-found");
    fetch("/api/graph/search?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.json(); }).then(function (rows) {
        out.innerHTML = "";
        (Array.isArray(rows) ? rows : []).forEach(function (n) {
          var a = document.createElement("a");
          a.href = "#"; a.textContent = n.label + " (" + n.id + ") "; a.dataset.node = n.id;
          a.addEventListener("click", function (e) { e.preventDefault(); expand(n.id); });
          out.appendChild(a);
        });
      });
  });

  document.getElementById("graph-path").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var from = document.getElementById("graph-from").value.trim(), to = document.getElementById("graph-to").value.trim();
    var out = document.getElementById("graph-path-result");
    fetch("/api/graph/path?source=" + encodeURIComponent(from) + "&target=" + encodeURIComponent(to),
          { credentials: "same-origin" })
      .then(function (r) { return r.json(); }).then(function (body) {
        if (!body.found) { out.textContent = (body.error && body.error.message) || config.no_path; return; }
        highlighted = {};
        body.nodes.forEach(function (n) { highlighted[n.id] = true; });
        body.nodes.forEach(addNode);
        body.edges.forEach(function (e) { addEdge(e, true); });
        out.textContent = body.nodes.map(function (n) { return n.label; }).join(" → ");
        draw();
      });
  });

  document.getElementById("graph-clear").addEventListener("click", function () {
    nodes = {}; links = {}; expanded = {}; highlighted = {}; draw();
  });
  window.addEventListener("resize", function () { chart.resize(); });
  if (config.start) expand(config.start);
  draw();
})();
