// The trend chart of the management report, drawn from the numbers of the table beside it.
(function () {
  "use strict";
  function draw() {
    var canvas = document.getElementById("trend-chart");
    var source = document.getElementById("trend-data");
    if (!canvas || !source || typeof Chart === "undefined") { return; }
    var rows = JSON.parse(source.textContent);
    var series = [["Opened", 1, "#0d6efd"], ["Cleared", 2, "#198754"], ["Closed", 3, "#6c757d"], ["Cancelled", 4, "#dc3545"]];
    if (canvas._chart) { canvas._chart.destroy(); }
    canvas._chart = new Chart(canvas, {
      type: "bar",
      data: {
        labels: rows.map(function (row) { return row[0]; }),
        datasets: series.map(function (s) {
          return { label: s[0], data: rows.map(function (row) { return row[s[1]]; }), backgroundColor: s[2] };
        })
      },
      options: { responsive: true, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
