// One open view: an app's live tail with its metrics, or the firehose. Wires the stream, the line
// store, the virtualised list, the filters, history and the metrics panel together.
import { LiveStream } from './stream.js';
import { classify, logLine } from './envelope.js';
import { LineStore } from './store.js';
import { LogView } from './logview.js';
import { MetricsPanel } from './metrics.js';
import { AccessError } from './history.js';
import { GapFiller } from './gapfill.js';
import { escapeHtml } from './format.js';

export class TailPage {
  /** sourceId null = the firehose. handlers: {health(state, detail), denied(), stats} */
  constructor(root, { sourceId, config, history, handlers }) {
    this.sourceId = sourceId; this.history = history; this.handlers = handlers;
    this.firehose = sourceId === null;
    root.replaceChildren(document.getElementById('tail-template').content.cloneNode(true));
    this.root = root;
    const $ = (selector) => root.querySelector(selector);
    this.$ = $;
    $('.tail-title').textContent = this.firehose ? 'Firehose' : sourceId;
    this.store = new LineStore(config.buffer_lines, config.pause_buffer_lines);
    this.view = new LogView({
      scroller: $('.log-scroller'), spacer: $('.log-spacer'), rows: $('.log-rows'), store: this.store,
      firehose: this.firehose, onChange: (what) => this.onViewChange(what),
    });
    this.ingestMs = 0; this.linesThisSecond = 0; this.rate = 0;
    this.metrics = this.firehose ? null : new MetricsPanel($('.metrics-panel'));
    if (this.firehose) { $('.metrics-panel').remove(); $('.toggle-metrics').remove(); $('.older').remove(); }
    this.bindControls();
    this.rateTimer = setInterval(() => {
      this.rate = this.linesThisSecond; this.linesThisSecond = 0;
      this.updateStatus();
    }, 1000);
    this.gap = new GapFiller({
      sourceId, store: this.store, history,
      notify: (text) => { if (!this.destroyed) this.$('.notice-bar').textContent = text; },
    });
    const query = new URLSearchParams(this.firehose ? 'log&counter&event' : 'log&counter&gauge&event');
    if (!this.firehose) query.set('source_id', sourceId);
    this.stream = new LiveStream(query, {
      batch: (envelopes) => this.ingest(envelopes),
      state: (state, detail) => {
        if (state === 'connected') { this.loadEarlierMetrics(); this.gap.connected(); }
        if (state === 'reconnecting') this.gap.lost();
        handlers.health(state, { ...detail, rate: this.rate });
      },
    }).start();
  }

  /** Once the stream is allowed (so there is something to read): the metrics of the last minutes. */
  loadEarlierMetrics() {
    if (!this.metrics || this.metricsLoaded) return;
    this.metricsLoaded = true;
    this.history.then((h) => h.recentGauges(this.sourceId))
      .then((gauges) => { if (!this.destroyed) gauges.forEach((g) => this.metrics.gauge(g)); })
      .catch((e) => { if (!(e instanceof AccessError)) console.warn('no earlier metrics:', e.message); });
  }

  ingest(envelopes) {
    const started = performance.now();
    const lines = [];
    let dropNotice = null;
    let sawLgr = false;
    for (const env of envelopes) {
      const c = classify(env);
      if (c.kind === 'log') {
        if (!this.gap.admit(c.line)) continue;
        lines.push(c.line);
        if (c.line.notice) sawLgr = true;
      } else if (c.kind === 'gauge') {
        if (this.metrics) this.metrics.gauge(env);
      } else if (c.kind === 'counter') {
        if (this.metrics) this.metrics.counter(env);
      } else if (c.kind === 'dropped') {
        dropNotice = env;
      }
    }
    // The server's notice comes as an LGR line and a counter; the counter alone (a nozzle-style
    // notice with no line) still deserves a row where it happened.
    if (dropNotice && !sawLgr) {
      lines.push(logLine(dropNotice.timestamp, dropNotice.source_id || '', '', 'LGR', true,
        'The system dropped ' + dropNotice.counter.delta + ' messages of this stream here (total '
        + dropNotice.counter.total + ').'));
    }
    this.linesThisSecond += lines.length;
    this.store.add(lines);
    this.ingestMs += performance.now() - started;
  }

  bindControls() {
    const $ = this.$;
    $('.pause').addEventListener('click', () => this.setPaused(!this.store.paused));
    const older = $('.older');
    if (older) older.addEventListener('click', () => this.loadOlder());
    $('.f-instance').addEventListener('change', (e) => this.view.setFilters({ instance: e.target.value }));
    $('.f-source').addEventListener('change', (e) => this.view.setFilters({ sourceType: e.target.value }));
    $('.f-err').addEventListener('change', (e) => this.view.setFilters({ errOnly: e.target.checked }));
    const search = () => this.applySearch();
    let debounce = 0;
    $('.f-search').addEventListener('input', () => { clearTimeout(debounce); debounce = setTimeout(search, 150); });
    $('.f-search').addEventListener('keydown', (e) => { if (e.key === 'Enter') { clearTimeout(debounce); search(); } });
    $('.f-regex').addEventListener('change', search);
    $('.f-only').addEventListener('change', search);
    $('.utc').addEventListener('change', (e) => this.view.setUtc(e.target.checked));
    $('.wrap').addEventListener('change', (e) => this.view.setWrap(e.target.checked));
    $('.copy').addEventListener('click', () => this.copy());
    $('.download').addEventListener('click', () => this.download());
    $('.jump').addEventListener('click', () => { this.view.scrollToBottom(); $('.log-scroller').focus(); });
    const toggle = $('.toggle-metrics');
    if (toggle) {
      toggle.addEventListener('click', () => {
        const open = toggle.getAttribute('aria-expanded') !== 'true';
        toggle.setAttribute('aria-expanded', String(open));
        $('.metrics-panel').hidden = !open;
      });
    }
    $('.log-scroller').addEventListener('keydown', (e) => {
      if (e.key === 'End') { this.view.scrollToBottom(); e.preventDefault(); }
    });
  }

  applySearch() {
    const $ = this.$;
    const text = $('.f-search').value;
    const error = $('.search-error');
    let re = null;
    if (text) {
      try {
        re = $('.f-regex').checked ? new RegExp(text, 'g') : new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
        error.textContent = '';
        $('.f-search').removeAttribute('aria-invalid');
      } catch (e) {
        error.textContent = 'Not a regular expression: ' + e.message;
        $('.f-search').setAttribute('aria-invalid', 'true');
        return;
      }
    } else {
      error.textContent = '';
    }
    this.view.setFilters({ search: re, matchOnly: $('.f-only').checked });
  }

  setPaused(paused) {
    this.store.setPaused(paused);
    const button = this.$('.pause');
    button.setAttribute('aria-pressed', String(paused));
    button.textContent = paused ? 'Resume' : 'Pause';
    this.root.querySelector('.tail').classList.toggle('paused', paused);
    this.updateStatus();
  }

  async loadOlder() {
    const button = this.$('.older');
    const note = this.$('.notice-bar');
    button.disabled = true;
    note.textContent = 'Loading older lines…';
    try {
      const h = await this.history;
      const oldest = this.store.oldest();
      const { lines, exhausted } = await h.olderLogs(this.sourceId, oldest ? oldest.ns : null);
      const added = this.store.merge(lines);
      note.textContent = added ? 'Loaded ' + added + ' older lines (' + h.name + ').'
        : 'No older lines' + (exhausted ? ' are kept (' + h.name + ').' : '.');
      button.disabled = exhausted && added === 0;
      if (added && !this.view.follow) this.$('.log-scroller').scrollTop = 0;
    } catch (e) {
      if (e instanceof AccessError) { this.handlers.health('denied', { status: e.status }); note.textContent = ''; }
      else note.textContent = 'Could not load older lines: ' + e.message;
      button.disabled = false;
    }
  }

  onViewChange(what) {
    if (this.destroyed) return;
    const $ = this.$;
    if (what === 'facets') {
      if (this.facetTimer) return;
      this.facetTimer = setTimeout(() => { this.facetTimer = 0; this.fillFacets(); }, 200);
    } else if (what === 'follow') {
      $('.jump').hidden = this.view.follow;
    } else if (what === 'render') {
      $('.empty-log').hidden = this.view.length > 0 || this.store.paused;
      this.updateStatusSoon();
    }
  }

  fillFacets() {
    fillSelect(this.$('.f-instance'), [...this.view.instances].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b)));
    fillSelect(this.$('.f-source'), [...this.view.sourceTypes].sort());
  }

  updateStatusSoon() {
    if (!this.statusTimer) this.statusTimer = setTimeout(() => { this.statusTimer = 0; this.updateStatus(); }, 250);
  }

  updateStatus() {
    const s = this.store;
    const status = this.$('.status');
    const parts = [s.received.toLocaleString() + ' lines received', this.view.length.toLocaleString() + ' shown of '
      + s.size.toLocaleString() + ' held (at most ' + s.capacity.toLocaleString() + ')'];
    if (s.paused) parts.push('paused: ' + s.pendingSize.toLocaleString() + ' waiting');
    if (s.droppedTotal) parts.push(s.droppedTotal.toLocaleString() + ' lines dropped while paused');
    status.textContent = parts.join(' · ');
    Object.assign(status.dataset, {
      received: s.received, shown: this.view.length, held: s.size, pending: s.pendingSize, dropped: s.droppedTotal,
    });
  }

  async copy() {
    const text = this.view.text();
    const note = this.$('.notice-bar');
    try {
      await navigator.clipboard.writeText(text);
      note.textContent = 'Copied ' + this.view.length + ' lines.';
    } catch (e) {
      note.textContent = 'The browser did not allow copying: use Download.';
    }
  }

  download() {
    const blob = new Blob([this.view.text()], { type: 'text/plain' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = (this.firehose ? 'firehose' : this.sourceId) + '-' + new Date().toISOString().replace(/[:.]/g, '-') + '.log';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  /** For the page's own figures (and the browser tests). */
  stats() {
    return {
      received: this.store.received, held: this.store.size, shown: this.view.length, pending: this.store.pendingSize,
      dropped: this.store.droppedTotal, capacity: this.store.capacity, ingestMs: this.ingestMs,
      renderMs: this.view.busyMs, streamMs: this.stream.busyMs, approximateBytes: this.store.approximateBytes(),
      gaps: this.gap.gaps, filled: this.gap.filled, duplicates: this.gap.duplicates,
    };
  }

  destroy() {
    this.destroyed = true;
    this.stream.stop();
    this.gap.destroy();
    this.view.destroy();
    clearInterval(this.rateTimer);
    clearTimeout(this.statusTimer);
    clearTimeout(this.facetTimer);
    if (this.metrics) this.metrics.destroy();
  }
}

function fillSelect(select, values) {
  const current = select.value;
  const options = ['<option value="">all</option>'];
  for (const v of values) {
    options.push('<option value="' + escapeHtml(v) + '">' + escapeHtml(v === '' ? '(none)' : v) + '</option>');
  }
  select.innerHTML = options.join('');
  select.value = current;
}
