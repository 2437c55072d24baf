// The lines a page holds for one view, bounded: at most `capacity` shown (the oldest leave first)
// and, while paused, at most `pauseCapacity` waiting (the oldest waiting leave first, counted and
// announced where the gap is when the view resumes).
import { lineKey, logLine } from './envelope.js';

export class LineStore {
  constructor(capacity, pauseCapacity) {
    this.capacity = capacity;
    this.pauseCapacity = pauseCapacity;
    this.items = []; this.head = 0;
    this.pending = []; this.pendingHead = 0;
    this.pausedDrops = 0; // in the current pause
    this.droppedTotal = 0; // over the page's life
    this.received = 0; // log lines received (notices not counted)
    this.nextSeq = 0;
    this.paused = false;
    this.listeners = [];
  }

  /** listener(event, detail): 'append' {lines, evicted}, 'reset', 'pause' */
  subscribe(listener) { this.listeners.push(listener); }
  emit(event, detail) { for (const l of this.listeners) l(event, detail); }

  get size() { return this.items.length - this.head; }
  get pendingSize() { return this.pending.length - this.pendingHead; }
  at(i) { return this.items[this.head + i]; }
  get firstSeq() { return this.size ? this.items[this.head].seq : this.nextSeq; }
  oldest() { return this.size ? this.items[this.head] : null; }

  /** Live lines, in arrival order. */
  add(lines) {
    for (const line of lines) if (!line.notice) this.received++;
    if (!this.paused) { this.append(lines); return; }
    for (const line of lines) this.pending.push(line);
    let over = this.pendingSize - this.pauseCapacity;
    if (over > 0) {
      this.pendingHead += over;
      this.pausedDrops += over;
      this.droppedTotal += over;
      this.compactPending();
    }
  }

  append(lines) {
    if (!lines.length) return;
    for (const line of lines) { line.seq = this.nextSeq++; this.items.push(line); }
    let evicted = 0;
    const over = this.size - this.capacity;
    if (over > 0) { this.head += over; evicted = over; }
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head); this.head = 0;
    }
    this.emit('append', { lines, evicted });
  }

  compactPending() {
    if (this.pendingHead > 4096 && this.pendingHead * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead); this.pendingHead = 0;
    }
  }

  setPaused(paused) {
    if (paused === this.paused) return;
    this.paused = paused;
    if (!paused) {
      const waiting = this.pending.slice(this.pendingHead);
      this.pending = []; this.pendingHead = 0;
      if (this.pausedDrops > 0) {
        const first = waiting.length ? waiting[0] : null;
        const notice = logLine(first ? first.ns : String(BigInt(Date.now()) * 1000000n), '', '', 'LGR', true,
          this.pausedDrops + ' lines dropped here while paused (the pause buffer holds ' + this.pauseCapacity + ').');
        notice.local = true;
        waiting.unshift(notice);
        this.pausedDrops = 0;
      }
      this.append(waiting);
    }
    this.emit('pause', { paused });
  }

  /**
   * Lines from history (older ones, or a gap's) merged in timestamp order without the ones already held; returns how many
   * were new. The held lines keep their relative order; the store stays within its capacity by
   * dropping the oldest.
   */
  merge(older) {
    const held = this.items.slice(this.head);
    const newest = older.reduce((m, l) => Math.max(m, l.t), -Infinity);
    const known = new Set();
    for (const line of held) if (line.t <= newest) known.add(lineKey(line));
    // Lines waiting behind a pause are held too: a fill must not bring them a second time.
    for (let i = this.pendingHead; i < this.pending.length; i++) {
      if (this.pending[i].t <= newest) known.add(lineKey(this.pending[i]));
    }
    const fresh = [];
    for (const line of older) {
      const key = lineKey(line);
      if (!known.has(key)) { known.add(key); fresh.push(line); }
    }
    if (!fresh.length) return 0;
    for (const line of fresh) line.history = true;
    // A stable merge: held lines stay in arrival order, history slots in by time.
    fresh.sort((a, b) => a.t - b.t);
    const merged = [];
    let i = 0;
    for (const line of held) {
      while (i < fresh.length && fresh[i].t < line.t) merged.push(fresh[i++]);
      merged.push(line);
    }
    while (i < fresh.length) merged.push(fresh[i++]);
    const keep = merged.length > this.capacity ? merged.slice(merged.length - this.capacity) : merged;
    this.items = keep; this.head = 0;
    this.nextSeq = 0;
    for (const line of keep) line.seq = this.nextSeq++;
    this.emit('reset');
    return fresh.length;
  }

  clear() {
    this.items = []; this.head = 0; this.pending = []; this.pendingHead = 0; this.pausedDrops = 0;
    this.emit('reset');
  }

  /** Rough bytes held, for the page's own memory figure. */
  approximateBytes() {
    let chars = 0;
    for (let i = this.head; i < this.items.length; i++) chars += this.items[i].text.length;
    for (let i = this.pendingHead; i < this.pending.length; i++) chars += this.pending[i].text.length;
    return chars * 2 + (this.size + this.pendingSize) * 200;
  }
}
