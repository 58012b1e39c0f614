// Charts, drawn with the bundled Observable Plot from the data the page carries (a JSON
// block before each <figure data-chart>): a country's students and reported cost by fiscal
// year with its dated events marked (their summary and sources on hover, a click opens the
// event), a school's students by year and country, the programme's totals by year. Every
// value has its figure on hover; a year whose data were lost upstream is shaded, not zero.
(function () {
  "use strict";
  if (typeof Plot === "undefined" || typeof d3 === "undefined") { return; }
  var site = document.body.getAttribute("data-site") || "/";
  var BASE = "https://w3id.org/imet-kg/";
  var whole = d3.format(",");
  var dollars = d3.format("$,.0f");
  var INK = "#1f4e79", OFFICIAL = "#b5651d", EVENT = "#a4161a", AI = "#8a8a8a", LOST = "#f3e3c3";

  function local(iri) { return iri.indexOf(BASE) === 0 ? site + iri.slice(BASE.length) : iri; }

  function sourceText(source) {
    return source.title + (source.publisher ? " (" + source.publisher + ")" : "") +
      (source.ai ? " [AI-written]" : "");
  }

  function eventText(event) {
    return event.date + ", " + event.kind + (event.aiOnly ? " (only an AI-written source says so)" : "") +
      "\n" + event.summary + "\nSources: " + event.sources.map(sourceText).join("; ");
  }

  // Fiscal years as ticks, as many as the width holds: "FY2019", or "FY19" on a phone.
  function tickFormat(width) {
    return width < 700 ? function (year) { return "FY" + String(year).slice(2); } : function (year) { return "FY" + year; };
  }

  function fiscalAxis(years, width) {
    var first = d3.min(years), last = d3.max(years);
    var step = Math.max(1, Math.ceil((last - first + 1) * (width < 700 ? 38 : 52) / width));
    return {
      domain: [first - 0.6, last + 0.6],
      ticks: d3.range(first, last + 1, step),
      tickFormat: tickFormat(width),
      label: "US fiscal year (October to September)"
    };
  }

  // An event's label, written toward the middle of the chart from its line.
  function eventLabels(events, rows, middle) {
    var marks = [];
    d3.range(rows).forEach(function (row) {
      [["start", function (e) { return e.x < middle; }], ["end", function (e) { return e.x >= middle; }]].forEach(function (side) {
        marks.push(Plot.text(events.filter(function (e) { return e.row === row && side[1](e); }), {
          x: "x", frameAnchor: "top", dy: -6 - 13 * (rows - 1 - row), dx: side[0] === "start" ? -3 : 3,
          text: function (e) { return e.kind + " " + e.date; }, textAnchor: side[0],
          fill: function (e) { return e.aiOnly ? AI : EVENT; }, fontSize: 10 }));
      });
    });
    return marks;
  }

  function countryPanel(data, measure, official, label, format, width) {
    var years = data.years.map(function (y) { return y.year; });
    var line = data.years.map(function (y) { return { year: y.year, value: y[measure], status: y.statusLabel }; });
    var totals = data.years.filter(function (y) { return y[official] !== null; })
      .map(function (y) { return { year: y.year, value: y[official] }; });
    var lost = data.years.filter(function (y) { return y.status === "no data"; });
    var top = d3.max(line.concat(totals), function (d) { return d.value; }) || 1;
    var events = data.events.filter(function (e) { return e.x >= d3.min(years) - 0.6 && e.x <= d3.max(years) + 0.6; });
    var rows = (d3.max(events, function (e) { return e.row; }) || 0) + 1;
    return Plot.plot({
      width: width,
      height: 250 + 13 * rows,
      marginLeft: 70,
      marginTop: 16 + 13 * rows,
      x: fiscalAxis(years, width),
      y: { label: label, grid: true, tickFormat: format === dollars ? "~s" : undefined, domain: [0, top * 1.08] },
      marks: [
        Plot.rectY(lost, { x1: function (y) { return y.year - 0.5; }, x2: function (y) { return y.year + 0.5; }, y1: 0, y2: top * 1.08, fill: LOST,
          title: function (y) { return "FY" + y.year + ": no data (" + (y.note || "lost upstream") + ")"; } }),
        Plot.ruleY([0]),
        Plot.lineY(line, { x: "year", y: "value", stroke: INK, strokeWidth: 2, defined: function (d) { return d.value !== null; } }),
        Plot.dot(line.filter(function (d) { return d.value !== null; }), { x: "year", y: "value", fill: INK, r: 3,
          title: function (d) { return "FY" + d.year + ": " + format(d.value) + " in the line items (" + d.status + ")"; } }),
        Plot.dot(totals, { x: "year", y: "value", stroke: OFFICIAL, symbol: "diamond", r: 5, strokeWidth: 2,
          title: function (d) { return "FY" + d.year + ": " + format(d.value) + " official total"; } }),
        Plot.ruleX(events, { x: "x", stroke: function (e) { return e.aiOnly ? AI : EVENT; }, strokeDasharray: "5,3", strokeWidth: 1.5 }),
        Plot.ruleX(events, { x: "x", stroke: "transparent", strokeWidth: 12, title: eventText,
          href: function (e) { return local(e.iri); }, ariaLabel: function (e) { return e.kind + " " + e.date; } }),
      ].concat(eventLabels(events, rows, (d3.min(years) + d3.max(years)) / 2))
    });
  }

  function countryChart(figure, data, width) {
    figure.appendChild(countryPanel(data, "students", "officialStudents", "students", whole, width));
    figure.appendChild(countryPanel(data, "cost", "officialCost", "reported cost (US$)", dollars, width));
  }

  function schoolChart(figure, data, width) {
    var years = data.bars.map(function (b) { return b.year; });
    figure.appendChild(Plot.plot({
      width: width,
      height: 320,
      marginLeft: 60,
      x: { label: "US fiscal year", tickFormat: tickFormat(width), domain: d3.range(d3.min(years), d3.max(years) + 1) },
      y: { label: "students", grid: true },
      color: { legend: true, domain: data.order, scheme: "tableau10" },
      marks: [
        Plot.barY(data.bars, { x: "year", y: "students", fill: "country", order: data.order,
          title: function (b) { return b.country + ", FY" + b.year + ": " + whole(b.students) + " students"; } }),
        Plot.ruleY([0])
      ]
    }));
  }

  function programmeChart(figure, data, width) {
    var floor = function (y) { return y.short || y.lost ? " (a floor: " + y.short + " countries short of their official total, " + y.lost + " lost)" : ""; };
    [["students", "students", whole], ["cost", "reported cost (US$)", dollars]].forEach(function (panel) {
      figure.appendChild(Plot.plot({
        width: width,
        height: 220,
        marginLeft: 70,
        x: { label: "US fiscal year", tickFormat: tickFormat(width) },
        y: { label: panel[1], grid: true, tickFormat: panel[0] === "cost" ? "~s" : undefined },
        marks: [
          Plot.barY(data.years, { x: "year", y: panel[0], fill: function (y) { return y.short || y.lost ? OFFICIAL : INK; },
            title: function (y) { return "FY" + y.year + ": " + panel[2](y[panel[0]]) + ", " + y.countries + " countries" + floor(y); } }),
          Plot.ruleY([0])
        ]
      }));
    });
  }

  var draw = { "country-training": countryChart, "school-training": schoolChart, "programme-training": programmeChart };
  var figures = Array.prototype.map.call(document.querySelectorAll("figure[data-chart]"), function (figure) {
    return { figure: figure, data: JSON.parse(document.getElementById(figure.getAttribute("data-chart")).textContent), width: 0 };
  });
  // Drawn at the figure's width, and again when the window's width changes it.
  function drawAll() {
    figures.forEach(function (entry) {
      var width = Math.max(300, Math.min(entry.figure.clientWidth || 900, 1100));
      if (Math.abs(width - entry.width) < 20) { return; }
      entry.width = width;
      var canvas = entry.figure.querySelector(".canvas");
      canvas.textContent = "";
      draw[entry.data.chart](canvas, entry.data, width);
      entry.figure.setAttribute("data-drawn", "true");
    });
  }
  drawAll();
  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(drawAll, 100);
  });
})();
