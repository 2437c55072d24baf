// The virtualised log list: only the rows in sight are in the DOM. Every line has a height in
// rows (its newlines, and with wrapping its length against the width in characters of a
// monospace column), and the view keeps running sums of those heights, so finding the first line
// in sight is a binary search and appending is constant time.
import { escapeHtml, formatTime, sourceClass, sourceLabel, lineText } from './format.js';

const OVERSCAN_ROWS = 20;

export class LogView {
  constructor({ scroller, spacer, rows, store, firehose, onChange }) {
    this.scroller = scroller; this.spacer = spacer; this.rowsEl = rows; this.store = store;
    this.firehose = firehose;
    this.onChange = onChange || (() => {});
    this.filters = { instance: '', sourceType: '', errOnly: false, search: null, matchOnly: true };
    this.utc = false; this.wrap = false;
    this.view = []; this.cum = [0]; this.vh = 0; // view[i] spans rows cum[i]..cum[i+1]
    this.follow = true;
    this.setTop = -1; // the scrollTop the view itself set last
    this.dirty = true; this.frame = 0;
    this.instances = new Set(); this.sourceTypes = new Set();
    this.busyMs = 0;
    this.measure();
    store.subscribe((event, detail) => this.onStore(event, detail));
    scroller.addEventListener('scroll', () => {
      // Only the reader's own scrolling starts or stops following: a scroll event for a position the
      // view set itself (it arrives a frame later, when more rows or a resize may have moved the bottom)
      // leaves following as it was.
      if (Math.abs(scroller.scrollTop - this.setTop) < 1) { this.schedule(); return; }
      const atBottom = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - this.rowHeight;
      if (atBottom !== this.follow) { this.follow = atBottom; this.onChange('follow'); }
      this.schedule();
    }, { passive: true });
    this.resizeObserver = new ResizeObserver(() => { if (this.measure()) this.rebuild(); else this.schedule(); });
    this.resizeObserver.observe(scroller);
  }

  destroy() {
    this.destroyed = true;
    cancelAnimationFrame(this.frame);
    this.resizeObserver.disconnect();
  }

  /** Row height and characters per message row; true when the wrap width changed. */
  measure() {
    const probe = document.createElement('span');
    probe.className = 'ln-probe';
    probe.textContent = 'x'.repeat(100);
    this.rowsEl.appendChild(probe);
    const rect = probe.getBoundingClientRect();
    probe.remove();
    this.charWidth = rect.width / 100 || 8;
    this.rowHeight = Math.round(parseFloat(getComputedStyle(this.rowsEl).lineHeight)) || 18;
    const prefix = 24 + 1 + 24 + 1 + 4 + (this.firehose ? 17 : 0); // time, source, stream, source id columns (ch)
    const cols = Math.max(20, Math.floor((this.scroller.clientWidth - 24) / this.charWidth) - prefix);
    const changed = cols !== this.cols;
    this.cols = cols;
    return changed && this.wrap;
  }

  heightOf(line) {
    if (!this.wrap) {
      if (line.nl === undefined) line.nl = countNewlines(line.text);
      return line.nl + 1;
    }
    if (line.cols !== this.cols) {
      let rows = 0;
      for (const segment of line.text.split('\n')) rows += Math.max(1, Math.ceil(segment.length / this.cols));
      line.rows = rows; line.cols = this.cols;
    }
    return line.rows;
  }

  matches(line) {
    if (line.notice) return true;
    const f = this.filters;
    if (f.instance && line.instance !== f.instance) return false;
    if (f.sourceType && line.sourceType !== f.sourceType) return false;
    if (f.errOnly && !line.err) return false;
    if (f.search && f.matchOnly) { f.search.lastIndex = 0; if (!f.search.test(line.text)) return false; }
    return true;
  }

  onStore(event, detail) {
    if (event === 'append') {
      for (const line of detail.lines) {
        if (!line.notice) {
          if (!this.instances.has(line.instance)) { this.instances.add(line.instance); this.onChange('facets'); }
          if (!this.sourceTypes.has(line.sourceType)) { this.sourceTypes.add(line.sourceType); this.onChange('facets'); }
        }
        if (this.matches(line)) this.push(line);
      }
      if (detail.evicted) this.evict();
      this.schedule();
    } else if (event === 'reset') {
      this.rebuild();
    } else {
      this.schedule();
    }
  }

  push(line) {
    this.view.push(line);
    this.cum.push(this.cum[this.cum.length - 1] + this.heightOf(line));
  }

  /** Drops the lines the store no longer holds; the rows in sight stay put when not following. */
  evict() {
    const first = this.store.firstSeq;
    const before = this.cum[this.vh];
    while (this.vh < this.view.length && this.view[this.vh].seq < first) this.vh++;
    const removedRows = this.cum[this.vh] - before;
    if (this.vh > 4096 && this.vh * 2 > this.view.length) {
      this.view = this.view.slice(this.vh); this.cum = this.cum.slice(this.vh); this.vh = 0;
    }
    if (removedRows && !this.follow) this.shift = (this.shift || 0) + removedRows;
  }

  rebuild() {
    this.view = []; this.cum = [0]; this.vh = 0;
    for (let i = 0; i < this.store.size; i++) {
      const line = this.store.at(i);
      if (this.matches(line)) this.push(line);
    }
    this.schedule();
  }

  get length() { return this.view.length - this.vh; }
  get totalRows() { return this.cum[this.view.length] - this.cum[this.vh]; }

  setFilters(changes) { Object.assign(this.filters, changes); this.rebuild(); }
  setUtc(utc) { this.utc = utc; this.schedule(); }
  setWrap(wrap) {
    this.wrap = wrap;
    this.rowsEl.classList.toggle('wrap', wrap);
    this.measure();
    this.rebuild();
  }

  scrollToBottom() { this.follow = true; this.onChange('follow'); this.schedule(); }

  schedule() {
    if (!this.frame && !this.destroyed) this.frame = requestAnimationFrame(() => { this.frame = 0; this.render(); });
  }

  /** The index (into view) of the line that holds row `row` (relative to the first line). */
  lineAtRow(row) {
    const base = this.cum[this.vh];
    let lo = this.vh; let hi = this.view.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.cum[mid] - base <= row) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  render() {
    const started = performance.now();
    const rowH = this.rowHeight;
    this.spacer.style.height = (this.totalRows * rowH) + 'px';
    if (this.shift) {
      this.scroller.scrollTop = Math.max(0, this.scroller.scrollTop - this.shift * rowH);
      this.shift = 0;
      this.setTop = this.scroller.scrollTop;
    }
    if (this.follow) { this.scroller.scrollTop = this.scroller.scrollHeight; this.setTop = this.scroller.scrollTop; }
    const topRow = Math.floor(this.scroller.scrollTop / rowH);
    const bottomRow = Math.ceil((this.scroller.scrollTop + this.scroller.clientHeight) / rowH);
    let html = '';
    let offset = 0;
    if (this.length) {
      const base = this.cum[this.vh];
      let i = this.lineAtRow(Math.max(0, topRow - OVERSCAN_ROWS));
      offset = this.cum[i] - base;
      const limit = bottomRow + OVERSCAN_ROWS;
      for (; i < this.view.length && this.cum[i] - base < limit; i++) html += this.rowHtml(this.view[i], i);
    }
    this.rowsEl.style.transform = 'translateY(' + (offset * rowH) + 'px)';
    this.rowsEl.innerHTML = html;
    this.busyMs += performance.now() - started;
    this.onChange('render');
  }

  rowHtml(line, index) {
    const h = this.heightOf(line) * this.rowHeight;
    let cls = 'ln';
    if (line.notice) cls += ' notice';
    else if (line.err) cls += ' err';
    if (line.history) cls += ' hist';
    const time = escapeHtml(formatTime(line.t, this.utc));
    const label = escapeHtml(line.notice && line.local ? 'page' : sourceLabel(line));
    const sid = this.firehose ? '<span class="sid" title="' + escapeHtml(line.sourceId) + '">'
      + escapeHtml(line.sourceId) + '</span>' : '';
    return '<div class="' + cls + '" style="height:' + h + 'px" data-i="' + index + '">'
      + '<span class="ts">' + time + '</span>' + sid
      + '<span class="src ' + sourceClass(line.sourceType) + '" title="' + label + '">' + label + '</span>'
      + '<span class="io">' + (line.notice ? '!!! ' : line.err ? 'ERR ' : 'OUT ') + '</span>'
      + '<span class="msg">' + this.highlight(line.text) + '</span></div>';
  }

  highlight(text) {
    const re = this.filters.search;
    if (!re) return escapeHtml(text);
    re.lastIndex = 0;
    let out = ''; let last = 0; let m;
    while ((m = re.exec(text)) !== null) {
      if (m[0].length === 0) { re.lastIndex++; continue; }
      out += escapeHtml(text.slice(last, m.index)) + '<mark>' + escapeHtml(m[0]) + '</mark>';
      last = m.index + m[0].length;
    }
    return out + escapeHtml(text.slice(last));
  }

  /** What is shown (the filtered lines), as text. */
  text() {
    const out = [];
    for (let i = this.vh; i < this.view.length; i++) out.push(lineText(this.view[i], this.utc, this.firehose));
    return out.join('\n') + (out.length ? '\n' : '');
  }
}

function countNewlines(s) {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
