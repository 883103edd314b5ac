/**
 * The report page's own script: draws every chart of the embedded report (window.SLUICE_REPORT)
 * with uPlot, which the page inlines too. Plain browser JavaScript kept as text (the page runs
 * it as is; the TypeScript build has no DOM). Each chart's container gets data attributes with
 * what it drew (points, decision time and its x position) for people inspecting the page and
 * for the browser test.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  var R = window.SLUICE_REPORT;
  var COLORS = { canary: '#d9480f', baseline: '#1c7ed6', threshold: '#868e96', bound: '#c92a2a', evidence: '#7048e8',
    pass: '#2f9e44', fail: '#e03131', inconclusive: '#f08c00', error: '#9c36b5', weight: '#0b7285' };
  var DECISION_COLORS = { promote: '#2f9e44', rollback: '#e03131', abort: '#e03131', fail: '#e03131' };
  var PHASE_COLORS = { building: '#e9ecef', pushing: '#e9ecef', deploying: '#dbe4ff', canary: '#fff3bf', analysing: '#ffe8cc',
    'awaiting-approval': '#f3d9fa', paused: '#f3d9fa', promoting: '#d3f9d8', baking: '#d3f9d8', succeeded: '#b2f2bb',
    'rolling-back': '#ffc9c9', 'rolled-back': '#ffa8a8', aborted: '#ffa8a8', failed: '#ffa8a8', pending: '#f8f9fa' };
  var dpr = window.devicePixelRatio || 1;
  /** A drill's bands are named after what they do (rolling back to 1.2.0, returning to 1.3.0, health check). */
  function phaseColor(name) {
    return PHASE_COLORS[name] || (/^rolling back/.test(name) ? PHASE_COLORS['rolling-back'] : /^returning/.test(name) ? PHASE_COLORS.deploying : name === 'health check' ? PHASE_COLORS.analysing : '#f1f3f5');
  }

  function split(series) {
    var out = [];
    series.forEach(function (s) {
      if (!s.outcomes) { out.push(s); return; }
      var by = {};
      s.points.forEach(function (p, i) { var o = s.outcomes[i] || 'pass'; (by[o] = by[o] || []).push(p); });
      Object.keys(by).forEach(function (o) { out.push({ label: s.label + ' (' + o + ')', role: s.role, outcome: o, points: by[o] }); });
    });
    return out;
  }

  function aligned(series, extra) {
    var seen = {};
    series.forEach(function (s) { s.points.forEach(function (p) { seen[p.at] = true; }); });
    (extra || []).forEach(function (t) { seen[t] = true; });
    var xs = Object.keys(seen).map(Number).sort(function (a, b) { return a - b; });
    var index = {};
    xs.forEach(function (t, i) { index[t] = i; });
    var data = [xs.map(function (t) { return t / 1000; })];
    series.forEach(function (s) {
      var col = xs.map(function () { return null; });
      s.points.forEach(function (p) { col[index[p.at]] = p.value; });
      data.push(col);
    });
    return data;
  }

  function seriesOpts(s) {
    var color = s.outcome ? COLORS[s.outcome] : COLORS[s.role] || '#495057';
    if (s.role === 'measurement' || (s.role === 'evidence' && s.outcome)) {
      return { label: s.label, stroke: color, width: 0, paths: function () { return null; }, points: { show: true, size: 9, fill: color, stroke: color } };
    }
    if (s.role === 'weight') return { label: s.label, stroke: color, width: 2, fill: 'rgba(11,114,133,0.08)', paths: uPlot.paths.stepped({ align: 1 }), points: { show: true } };
    var dash = s.role === 'threshold' || s.role === 'bound' ? [6, 4] : undefined;
    return { label: s.label, stroke: color, width: 2, spanGaps: true, dash: dash, points: { show: s.points.length < 40 } };
  }

  /** Vertical markers and shaded bands, drawn on the canvas. */
  function overlay(marks, bands) {
    return function (u) {
      var ctx = u.ctx, top = u.bbox.top, h = u.bbox.height, left = u.bbox.left, right = left + u.bbox.width;
      ctx.save();
      (bands || []).forEach(function (b) {
        var x0 = Math.max(left, u.valToPos(b.from / 1000, 'x', true));
        var x1 = Math.min(right, u.valToPos((b.to || R.generatedAt) / 1000, 'x', true));
        if (x1 <= x0) return;
        ctx.globalAlpha = 0.55;
        ctx.fillStyle = b.color;
        ctx.fillRect(x0, top, x1 - x0, h);
        ctx.globalAlpha = 1;
        ctx.fillStyle = '#495057';
        ctx.font = (10 * dpr) + 'px sans-serif';
        if (x1 - x0 > 40 * dpr) ctx.fillText(b.label, x0 + 3 * dpr, top + h - 4 * dpr);
      });
      marks.forEach(function (m) {
        var x = Math.round(u.valToPos(m.at / 1000, 'x', true));
        if (x < left - 1 || x > right + 1) return;
        ctx.strokeStyle = m.color;
        ctx.lineWidth = (m.width || 2) * dpr;
        ctx.setLineDash(m.dash ? m.dash.map(function (d) { return d * dpr; }) : []);
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + h);
        ctx.stroke();
        ctx.fillStyle = m.color;
        ctx.font = (11 * dpr) + 'px sans-serif';
        ctx.fillText(m.label, x + 4 * dpr, top + (12 + 12 * (m.row || 0)) * dpr);
      });
      ctx.restore();
    };
  }

  function tick(v) {
    if (v === null || v === undefined) return '';
    if (v === 0 || Math.abs(v) >= 1000) return v.toLocaleString('en');
    return String(Number(v.toPrecision(3)));
  }

  function plot(el, spec) {
    var series = split(spec.series);
    var marks = spec.marks || [];
    var times = marks.map(function (m) { return m.at; });
    var data = aligned(series, spec.range ? [] : times);
    var xs = data[0];
    var min = spec.range ? spec.range[0] / 1000 : xs[0], max = spec.range ? spec.range[1] / 1000 : xs[xs.length - 1];
    if (min === undefined || max === undefined || min === max) { min = (min || R.generatedAt / 1000) - 30; max = min + 60; }
    var opts = {
      width: Math.max(320, el.clientWidth || 900),
      height: spec.height || 240,
      scales: { x: { time: true, range: [min, max] }, y: spec.logScale ? { distr: 3 } : (spec.yRange ? { range: spec.yRange } : {}) },
      series: [{}].concat(series.map(seriesOpts)),
      // Three significant digits: latencies in seconds are thousandths, and uPlot would print 0.
      axes: [{}, { label: spec.yLabel || '', size: 60, values: function (u, splits) { return splits.map(tick); } }],
      legend: { show: true },
      hooks: { draw: [overlay(marks, spec.bands), describe] },
    };
    var decision = marks.filter(function (m) { return m.decision; })[0];
    // What was drawn, written after each draw (scales exist only once uPlot has laid the chart out).
    function describe(u) {
      var points = 0;
      for (var i = 1; i < u.data.length; i++) u.data[i].forEach(function (v) { if (v !== null && v !== undefined) points++; });
      el.dataset.points = String(points);
      el.dataset.xMin = String(u.scales.x.min);
      el.dataset.xMax = String(u.scales.x.max);
      el.dataset.plotLeft = String(u.bbox.left / dpr);
      el.dataset.plotTop = String(u.bbox.top / dpr);
      el.dataset.plotWidth = String(u.bbox.width / dpr);
      el.dataset.plotHeight = String(u.bbox.height / dpr);
      if (decision) {
        el.dataset.decisionAt = String(decision.at);
        el.dataset.decisionColor = decision.color;
        el.dataset.decisionX = String(u.valToPos(decision.at / 1000, 'x'));
      }
      el.dataset.drawn = 'true';
    }
    var u = new uPlot(opts, data, el);
    return u;
  }

  function decisionMark() {
    var d = R.timeline.decision;
    return d ? [{ at: d.at, label: 'decision: ' + d.kind + ' (' + d.phase + ')', color: DECISION_COLORS[d.kind] || '#e03131', width: 3, decision: true }] : [];
  }

  function each(selector, fn) { Array.prototype.forEach.call(document.querySelectorAll(selector), fn); }

  // Timeline: the candidate's weight as steps, phases as bands, interventions and the decision as lines.
  each('[data-timeline]', function (el) {
    var t = R.timeline;
    var end = t.closedAt || R.generatedAt;
    var weights = t.weights.slice();
    if (weights.length) weights.push({ at: end, weight: weights[weights.length - 1].weight });
    var marks = t.interventions.map(function (iv, i) { return { at: iv.at, label: iv.kind + (iv.detail ? ' (' + iv.detail + ')' : ''), color: '#5f3dc4', dash: [3, 3], row: 1 + (i % 3) }; })
      .concat(decisionMark());
    var bands = t.phases.map(function (p) { return { from: p.from, to: p.to || end, label: p.phase, color: phaseColor(p.phase) }; })
      .concat(t.analyses.map(function (a) { return { from: a.from, to: a.to || end, label: '', color: 'rgba(112,72,232,0.25)' }; }));
    plot(el, { series: [{ label: t.weightLabel || 'canary weight %', role: 'weight', points: weights.map(function (w) { return { at: w.at, value: w.weight }; }) }],
      marks: marks, bands: bands, range: [t.startedAt, end], yRange: [0, 100], yLabel: 'weight %', height: 260 });
  });

  // Metric charts: as gathered, with the analysis window's decision and the release's decision.
  var charts = {};
  R.analyses.forEach(function (a) { a.metrics.forEach(function (m) { m.charts.forEach(function (c) { charts[c.id] = { chart: c, analysis: a }; }); }); });
  (R.recordCharts || []).forEach(function (c) { charts[c.id] = { chart: c }; });
  each('[data-chart]', function (el) {
    var entry = charts[el.getAttribute('data-chart')];
    if (!entry) return;
    var c = entry.chart, a = entry.analysis, marks = [];
    if (a) {
      if (a.decidedAt) marks.push({ at: a.decidedAt, label: 'analysis decided: ' + a.decision, color: '#343a40', dash: [4, 3], row: 1 });
      if (c.crossedAt) marks.push({ at: c.crossedAt, label: 'crossed 1/α', color: '#7048e8', dash: [2, 2], row: 2 });
      marks = marks.concat(decisionMark());
    }
    var range;
    if (a) {
      // The analysis window, widened to show the release's decision when it came soon after.
      var d = R.timeline.decision, lo = a.from - 15000, hi = (a.to || R.generatedAt) + 15000;
      if (d && d.at > hi && d.at - hi < 120000) hi = d.at + 5000;
      if (d && d.at < lo && lo - d.at < 120000) lo = d.at - 5000;
      range = [lo, hi];
    }
    plot(el, { series: c.series, marks: marks, range: range, logScale: c.logScale, height: c.height || 220, yLabel: c.yLabel });
  });
  // Rendered once every chart has drawn (uPlot draws on the next frame).
  (function wait() {
    var pending = document.querySelectorAll('[data-chart]:not([data-drawn]),[data-timeline]:not([data-drawn])').length;
    if (pending === 0) document.body.dataset.rendered = 'true';
    else requestAnimationFrame(wait);
  })();
})();
`;
