// The lines missed while the live stream was down. When the stream comes back after a loss (a Traffic
// Controller or gateway restart, the network, the stream's lifetime), the lines sent in between are
// read from history (Log Cache) and merged in time order, with a notice saying how long the gap was;
// a line both in the fill and arriving live just after it is shown once. The firehose has no source
// to read back, so it gets the notice only.
import { lineKey, logLine } from './envelope.js';

/** How long live lines are checked against the last fill: lines in flight when the stream came back. */
const LIVE_OVERLAP_MS = 30000;

export class GapFiller {
  /** notify(text): tells the user (the notice bar) what the fill did. */
  constructor({ sourceId, store, history, notify }) {
    this.sourceId = sourceId; this.store = store; this.history = history; this.notify = notify;
    this.connectedOnce = false; this.sinceNs = 0n;
    this.newestT = -Infinity; this.newestNs = null;
    this.lostAtMs = null;
    this.fillKeys = null; this.fillUntilMs = 0; this.forgetTimer = 0;
    this.gaps = 0; this.filled = 0; this.duplicates = 0;
  }

  /** A live log line is about to be shown: false when the last fill already showed it. */
  admit(line) {
    if (this.fillKeys !== null && line.t <= this.fillUntilMs && this.fillKeys.has(lineKey(line))) {
      this.duplicates++;
      return false;
    }
    if (line.t >= this.newestT) { this.newestT = line.t; this.newestNs = line.ns; }
    return true;
  }

  /** The stream was lost (or ended); the gap starts now unless it already started. */
  lost() {
    if (this.connectedOnce && this.lostAtMs === null) this.lostAtMs = Date.now();
  }

  /** The stream is (back) up: after a loss, fills what was sent in between. */
  async connected() {
    const nowMs = Date.now();
    const nowNs = BigInt(nowMs) * 1000000n;
    if (!this.connectedOnce) { this.connectedOnce = true; this.sinceNs = nowNs; return; }
    if (this.lostAtMs === null) return;
    const seconds = ((nowMs - this.lostAtMs) / 1000).toFixed(1);
    this.lostAtMs = null;
    this.gaps++;
    // From the newest line shown (inclusive: lines sharing its timestamp may be missing), else from
    // when the view first connected.
    const fromNs = this.newestNs !== null ? BigInt(this.newestNs) : this.sinceNs;
    if (this.sourceId === null) {
      this.notify('The live stream was down for ' + seconds + ' s; lines sent meanwhile are not in this view.');
      return;
    }
    try {
      const h = await this.history;
      const { lines, complete } = await h.logsBetween(this.sourceId, fromNs, nowNs, this.store.capacity);
      this.remember(lines, nowMs);
      const added = this.store.merge(lines);
      this.filled += added;
      const what = added === 0 ? 'no lines were missed'
        : added + (added === 1 ? ' line' : ' lines') + ' sent meanwhile filled from ' + h.name
          + (complete ? '' : ' (the newest ' + this.store.capacity.toLocaleString() + ' only)');
      const text = 'The live stream was down for ' + seconds + ' s; ' + what + '.';
      const notice = logLine(String(fromNs), '', '', 'LGR', true, text);
      notice.local = true;
      this.store.merge([notice]);
      this.notify(text);
    } catch (e) {
      this.notify('The live stream was down for ' + seconds + ' s; the lines sent meanwhile could not be read: ' + e.message);
    }
  }

  remember(lines, untilMs) {
    this.fillKeys = new Set(lines.map(lineKey));
    this.fillUntilMs = untilMs;
    clearTimeout(this.forgetTimer);
    this.forgetTimer = setTimeout(() => { this.fillKeys = null; }, LIVE_OVERLAP_MS);
  }

  destroy() { clearTimeout(this.forgetTimer); }
}
