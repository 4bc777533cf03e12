// The cohort report's charts (Chart.js, served from static/vendor/chartjs). Each canvas names the
// JSON script holding its data; the table beside it holds the same figures for screen readers and print.
(function () {
  "use strict";
  var print = document.querySelector("[data-print]");
  if (print) {
    print.addEventListener("click", function () {
      window.print();
    });
  }
  if (typeof window.Chart === "undefined") {
    return;
  }
  // French puts a space before the percent sign.
  var percentSign = document.documentElement.lang === "fr" ? "\u202f%" : "%";
  var colours = ["#0d6efd", "#d63384", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#6c757d", "#dc3545"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var axis = spec.horizontal ? "x" : "y";
    var scales = {};
    scales[axis] = { beginAtZero: true };
    if (spec.percent) {
      scales[axis].max = 100;
      scales[axis].ticks = {
        callback: function (value) {
          return value + percentSign;
        },
      };
    }
    var chart = new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (dataset, index) {
          var colour = colours[index % colours.length];
          return {
            label: dataset.label,
            data: dataset.data,
            backgroundColor: colour,
            borderColor: colour,
            spanGaps: false,
          };
        }),
      },
      options: {
        animation: false,
        indexAxis: spec.horizontal ? "y" : "x",
        maintainAspectRatio: true,
        aspectRatio: spec.horizontal ? 1.2 : 1.6,
        scales: scales,
        plugins: { legend: { position: "bottom" } },
      },
    });
    canvas.dataset.rendered = "true";
    // Print at the page's width, then back.
    window.addEventListener("beforeprint", function () {
      chart.resize();
    });
    window.addEventListener("afterprint", function () {
      chart.resize();
    });
  });
})();
