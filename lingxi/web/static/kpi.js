// Draws one ECharts chart per KPI indicator (actual as bars, a yearly or rate target as a line) from the page's data.
(function () {
  var data = JSON.parse(document.getElementById("kpi-data").textContent);
  var labels = JSON.parse(document.getElementById("kpi-labels").textContent);
  if (!window.echarts) return;
  document.querySelectorAll(".kpi-chart").forEach(function (node) {
    var item = data[node.dataset.key];
    if (!item) return;
    var series = [{ name: labels.actual, type: "bar", barMaxWidth: 32, data: item.actual }];
    if (item.target.some(function (v) { return v !== null; })) {
      series.push({ name: labels.target, type: "line", data: item.target, lineStyle: { type: "dashed" } });
    }
    var chart = echarts.init(node, null, { renderer: "canvas" });
    chart.setOption({ animation: false, color: ["#1d5fa8", "#b0302a"], tooltip: { trigger: "axis" },
                      legend: { bottom: 0 }, grid: { left: 50, right: 16, top: 16, bottom: 40 },
                      xAxis: { type: "category", data: item.years.map(String) },
                      yAxis: { type: "value", name: item.unit }, series: series });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
