// Draws the dashboard charts with the locally served ECharts; data comes from the page itself.
(function () {
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var palette = ["#b0302a", "#1d5fa8", "#2f7d4f", "#a86b00", "#6a4c93", "#1b998b", "#c05746", "#5c677d"];
  function draw(id, option) {
    var node = document.getElementById(id);
    if (!node || !window.echarts) return;
    var chart = echarts.init(node, null, { renderer: "canvas" });
    chart.setOption(Object.assign({ color: palette, animation: false, tooltip: {} }, option));
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function bars(series, horizontal) {
    var category = { type: "category", data: series.names, axisLabel: { interval: horizontal ? 0 : "auto" } };
    var value = { type: "value" };
    return { grid: { left: horizontal ? 110 : 50, right: 20, top: 20, bottom: 30 },
             xAxis: horizontal ? value : category, yAxis: horizontal ? Object.assign(category, { inverse: true }) : value,
             series: [{ type: "bar", data: series.values, barMaxWidth: 28 }] };
  }
  function pie(series) {
    return { legend: { bottom: 0, type: "scroll" }, tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
             series: [{ type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"],
                        data: series.names.map(function (n, i) { return { name: n, value: series.values[i] }; }) }] };
  }
  draw("chart-year", bars(data.year, false));
  draw("chart-type", pie(data.type));
  draw("chart-applicant-type", pie(data.applicant_type));
  draw("chart-region", bars(data.region, true));
})();
