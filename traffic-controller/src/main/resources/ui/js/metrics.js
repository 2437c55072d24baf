// The app's metrics beside its logs: container metrics (CPU %, memory and disk against their
// quotas, one line per instance) as uPlot charts, and its other counters and gauges as a table,
// updated as envelopes arrive (redrawn at most once a second).
import uPlot from '../vendor/uplot/uPlot.esm.js';
import { escapeHtml, formatBytes } from './format.js';
import { nanosToMillis } from './envelope.js';

const WINDOW_MS = 15 * 60 * 1000; // what the charts span
const MAX_SAMPLES = 400; // per instance
const MAX_NAMES = 200; // counters and gauges in the table
const COLOURS = ['#5fb3ff', '#ffb454', '#7ee787', '#ff7ab2', '#c3a6ff', '#56d4dd', '#f0e68c', '#ff9580'];
const CONTAINER = ['cpu', 'memory', 'disk'];

function isContainerMetric(metrics) {
  return CONTAINER.every((name) => name in metrics);
}

function number(v) {
  return typeof v === 'number' ? v : Number(v);
}

export class MetricsPanel {
  constructor(root) {
    this.root = root;
    this.instances = new Map(); // instance -> samples [{t, cpu, memory, memoryQuota, disk, diskQuota}]
    this.counters = new Map(); // name -> {total, rate, last: {t, total}, instance}
    this.gauges = new Map(); // name/instance -> {name, instance, value, unit}
    this.charts = {};
    this.points = 0;
    this.dirty = false;
    root.innerHTML = `
      <h2 class="panel-title">Metrics</h2>
      <figure class="chart" id="chart-cpu" data-points="0"><figcaption>CPU %</figcaption><div class="plot"></div>
        <p class="chart-summary" aria-live="off"></p></figure>
      <figure class="chart" id="chart-memory" data-points="0"><figcaption>Memory (of quota)</figcaption><div class="plot"></div>
        <p class="chart-summary" aria-live="off"></p></figure>
      <figure class="chart" id="chart-disk" data-points="0"><figcaption>Disk (of quota)</figcaption><div class="plot"></div>
        <p class="chart-summary" aria-live="off"></p></figure>
      <h3>Counters and gauges</h3>
      <table class="values" id="metric-values"><thead><tr><th scope="col">name</th><th scope="col">instance</th>
        <th scope="col">value</th><th scope="col">rate</th></tr></thead><tbody></tbody></table>
      <p class="empty-note" id="metrics-empty">No metrics yet: container metrics come every few seconds.</p>`;
    this.timer = setInterval(() => this.render(), 1000);
    this.resize = new ResizeObserver(() => this.resizeCharts());
    this.resize.observe(root);
  }

  destroy() {
    clearInterval(this.timer);
    this.resize.disconnect();
    for (const chart of Object.values(this.charts)) chart.plot.destroy();
  }

  /** A v2 gauge envelope (live or from history). */
  gauge(env) {
    const metrics = env.gauge.metrics || {};
    const t = nanosToMillis(env.timestamp);
    const instance = env.instance_id || '0';
    if (isContainerMetric(metrics)) {
      let samples = this.instances.get(instance);
      if (!samples) { samples = []; this.instances.set(instance, samples); }
      const value = (name) => (metrics[name] ? number(metrics[name].value) : NaN);
      const sample = { t, cpu: value('cpu'), memory: value('memory'), memoryQuota: value('memory_quota'),
        disk: value('disk'), diskQuota: value('disk_quota') };
      if (samples.length && samples[samples.length - 1].t >= t) {
        if (samples.some((s) => s.t === t)) return; // seen (history and live overlap)
        samples.push(sample); samples.sort((a, b) => a.t - b.t);
      } else {
        samples.push(sample);
      }
      while (samples.length > MAX_SAMPLES || (samples.length && samples[0].t < Date.now() - WINDOW_MS)) samples.shift();
      this.points++;
    } else {
      for (const [name, m] of Object.entries(metrics)) {
        const key = name + '/' + instance;
        if (!this.gauges.has(key) && this.gauges.size >= MAX_NAMES) continue;
        this.gauges.set(key, { name, instance, value: number(m.value), unit: m.unit || '' });
      }
    }
    this.dirty = true;
  }

  counter(env) {
    const c = env.counter;
    const key = c.name + '/' + (env.instance_id || '');
    const t = nanosToMillis(env.timestamp);
    const total = Number(c.total || 0);
    let entry = this.counters.get(key);
    if (!entry) {
      if (this.counters.size >= MAX_NAMES) return;
      entry = { name: c.name, instance: env.instance_id || '', total, rate: null, last: { t, total } };
      this.counters.set(key, entry);
    } else if (t > entry.last.t) {
      const seconds = (t - entry.last.t) / 1000;
      if (seconds >= 0.5) {
        entry.rate = (total - entry.last.total) / seconds;
        entry.last = { t, total };
      }
      entry.total = total;
    }
    this.dirty = true;
  }

  render() {
    if (!this.dirty) return;
    this.dirty = false;
    this.root.querySelector('#metrics-empty').hidden = this.instances.size > 0 || this.counters.size > 0 || this.gauges.size > 0;
    if (this.instances.size) {
      this.chart('cpu', (s) => s.cpu, null, (v) => v.toFixed(1) + ' %');
      this.chart('memory', (s) => s.memory, (s) => s.memoryQuota, formatBytes);
      this.chart('disk', (s) => s.disk, (s) => s.diskQuota, formatBytes);
    }
    const rows = [];
    for (const c of [...this.counters.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      rows.push('<tr><td>' + escapeHtml(c.name) + '</td><td>' + escapeHtml(c.instance) + '</td><td class="num">'
        + c.total.toLocaleString() + '</td><td class="num">' + (c.rate === null ? '' : c.rate.toFixed(1) + '/s') + '</td></tr>');
    }
    for (const g of [...this.gauges.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      const value = g.unit === 'bytes' ? formatBytes(g.value) : g.value.toLocaleString() + (g.unit ? ' ' + g.unit : '');
      rows.push('<tr><td>' + escapeHtml(g.name) + '</td><td>' + escapeHtml(g.instance) + '</td><td class="num">'
        + escapeHtml(value) + '</td><td></td></tr>');
    }
    this.root.querySelector('#metric-values tbody').innerHTML = rows.join('');
  }

  /** Draws one chart: a series per instance (aligned on the union of times, gaps spanned) and the quota. */
  chart(id, valueOf, quotaOf, format) {
    const tick = id === 'cpu' ? (v) => v.toFixed(0) + ' %' : (v) => formatBytes(v).replace('.0 ', ' ');
    const instances = [...this.instances.keys()].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
    const times = new Set();
    for (const samples of this.instances.values()) for (const s of samples) times.add(s.t);
    const xs = [...times].sort((a, b) => a - b);
    const index = new Map(xs.map((t, i) => [t, i]));
    const data = [xs.map((t) => t / 1000)];
    let quota = null;
    const summary = [];
    for (const instance of instances) {
      const ys = new Array(xs.length).fill(null);
      const samples = this.instances.get(instance);
      for (const s of samples) {
        const v = valueOf(s);
        ys[index.get(s.t)] = Number.isFinite(v) ? v : null;
        if (quotaOf) {
          const q = quotaOf(s);
          if (Number.isFinite(q) && q > 0) { quota = quota || new Array(xs.length).fill(null); quota[index.get(s.t)] = q; }
        }
      }
      data.push(ys);
      const last = samples[samples.length - 1];
      if (last) summary.push('instance ' + instance + ': ' + format(valueOf(last)) + (quotaOf && quotaOf(last) > 0 ? ' of ' + format(quotaOf(last)) : ''));
    }
    if (quota) data.push(quota);
    const figure = this.root.querySelector('#chart-' + id);
    const key = instances.join(',') + (quota ? '+q' : '');
    let chart = this.charts[id];
    if (!chart || chart.key !== key) {
      if (chart) chart.plot.destroy();
      const series = [{}];
      instances.forEach((instance, i) => series.push({
        label: 'instance ' + instance, stroke: COLOURS[i % COLOURS.length], width: 1.5, spanGaps: true,
        value: (u, v) => (v == null ? '-' : format(v)),
      }));
      if (quota) series.push({ label: 'quota', stroke: '#9aa4b2', dash: [6, 4], width: 1, spanGaps: true,
        value: (u, v) => (v == null ? '-' : format(v)) });
      const plotEl = figure.querySelector('.plot');
      const axis = { stroke: '#c9d1d9', grid: { stroke: '#30363d' }, ticks: { stroke: '#30363d' } };
      const plot = new uPlot({
        width: Math.max(200, plotEl.clientWidth), height: 150, series, legend: { live: false },
        scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(max || 0, id === 'cpu' ? 1 : 1024) * 1.1] } },
        axes: [axis, { ...axis, size: 78, values: (u, ticks) => ticks.map((v) => tick(v)) }],
        cursor: { drag: { x: false, y: false } },
      }, data, plotEl);
      chart = { plot, key };
      this.charts[id] = chart;
    } else {
      chart.plot.setData(data);
    }
    let points = 0;
    for (const samples of this.instances.values()) points += samples.length;
    figure.dataset.points = String(this.points);
    figure.dataset.samples = String(points);
    figure.querySelector('.chart-summary').textContent = summary.join('; ');
  }

  resizeCharts() {
    for (const [id, chart] of Object.entries(this.charts)) {
      const plotEl = this.root.querySelector('#chart-' + id + ' .plot');
      const width = Math.max(200, plotEl.clientWidth);
      if (Math.abs(width - chart.plot.width) > 2) chart.plot.setSize({ width, height: 150 });
    }
  }
}
