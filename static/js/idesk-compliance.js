/* Charts of the compliance pages (Chart.js served from static/vendor). Data comes from json_script tags. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;

  function read(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  // District (or one unit's) trend: units in breach, not compliant, compliant per day, stacked.
  var trend = read("trend-data");
  var trendCanvas = document.getElementById("trend-chart");
  if (trend && trendCanvas) {
    new Chart(trendCanvas, {
      type: "bar",
      data: {
        labels: trend.labels,
        datasets: trend.series.map(function (s) {
          return { label: s.label, data: s.data, backgroundColor: s.color, maxBarThickness: 28 };
        }),
      },
      options: {
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { position: "bottom" } },
        scales: {
          x: { stacked: true, ticks: { autoSkip: true, maxRotation: 0 } },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: trend.y_label } },
        },
      },
    });
  }

  // A unit's clerk visits per day, coloured by the day's result, with the required number as a line.
  var unit = read("unit-data");
  var unitCanvas = document.getElementById("unit-chart");
  if (unit && unitCanvas) {
    var s = unit.series[0];
    new Chart(unitCanvas, {
      data: {
        labels: unit.labels,
        datasets: [
          // minBarLength: a day without any visit still shows, in its result's colour.
          { type: "bar", label: s.label, data: s.data, backgroundColor: s.colors, maxBarThickness: 28, minBarLength: 3, order: 2 },
          {
            type: "line",
            label: unit.required_label,
            data: unit.labels.map(function () { return unit.required; }),
            borderColor: "#495057",
            borderDash: [6, 4],
            borderWidth: 1.5,
            pointRadius: 0,
            order: 1,
          },
        ],
      },
      options: {
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          // One bar per day coloured by its result: the legend names the colours, not the dataset.
          legend: {
            position: "bottom",
            onClick: null,
            labels: {
              generateLabels: function () {
                var items = unit.legend.map(function (item) {
                  return { text: item.text, fillStyle: item.color, strokeStyle: item.color, lineWidth: 0 };
                });
                items.push({ text: unit.required_label, fillStyle: "rgba(0,0,0,0)", strokeStyle: "#495057", lineWidth: 1.5, lineDash: [6, 4] });
                return items;
              },
            },
          },
        },
        scales: {
          x: { ticks: { autoSkip: true, maxRotation: 0 } },
          y: { beginAtZero: true, suggestedMax: unit.required + 2, ticks: { precision: 0 }, title: { display: true, text: unit.y_label } },
        },
      },
    });
  }
})();
