// Earlier data for one source: Log Cache's read API when this system serves it (found through
// GET /api/v1/info, as Log Cache clients do), else the v1 API's recent logs and container metrics.
// This module is the one place that knows which.
import { classify } from './envelope.js';
import { decodeEnvelope, multipartParts } from './v1.js';

export class AccessError extends Error {
  constructor(status) { super('access refused (' + status + ')'); this.status = status; }
}

const PAGE = 1000; // Log Cache's largest limit

async function get(url, init) {
  const response = await fetch(url, { credentials: 'same-origin', ...init });
  if (response.status === 401 || response.status === 403 || response.status === 404) throw new AccessError(response.status);
  if (!response.ok) throw new Error(url + ' answered ' + response.status);
  return response;
}

class LogCacheHistory {
  get name() { return 'Log Cache'; }

  /** Up to one page of log lines older than {@code beforeNs} (all when null), oldest first. */
  async olderLogs(sourceId, beforeNs) {
    const query = new URLSearchParams({ envelope_types: 'LOG', descending: 'true', limit: String(PAGE) });
    if (beforeNs != null) query.set('end_time', beforeNs);
    const body = await (await get('/api/v1/read/' + encodeURIComponent(sourceId) + '?' + query)).json();
    const batch = (body.envelopes && body.envelopes.batch) || [];
    const lines = batch.map(classify).filter((c) => c.kind === 'log').map((c) => c.line).reverse();
    return { lines, exhausted: batch.length < PAGE };
  }

  /**
   * The log lines from {@code startNs} (inclusive) to {@code endNs} (exclusive), oldest first, at most
   * {@code max}: ascending pages, each starting at the last timestamp read (lines sharing it come again
   * and are de-duplicated by the caller's merge). complete says whether the range was read to its end.
   */
  async logsBetween(sourceId, startNs, endNs, max) {
    const lines = [];
    let from = BigInt(startNs);
    while (lines.length < max) {
      const query = new URLSearchParams({
        envelope_types: 'LOG', start_time: String(from), end_time: String(endNs), limit: String(PAGE),
      });
      const body = await (await get('/api/v1/read/' + encodeURIComponent(sourceId) + '?' + query)).json();
      const batch = (body.envelopes && body.envelopes.batch) || [];
      for (const c of batch.map(classify)) if (c.kind === 'log') lines.push(c.line);
      if (batch.length < PAGE) return { lines, complete: true };
      const last = BigInt(batch[batch.length - 1].timestamp);
      // A full page of one timestamp cannot be paged past by time: step over it rather than loop.
      from = last > from ? last : last + 1n;
    }
    return { lines, complete: false };
  }

  /** Container-metric gauges of the last minutes, oldest first, in v2 form. */
  async recentGauges(sourceId) {
    const start = BigInt(Date.now() - 10 * 60 * 1000) * 1000000n;
    const query = new URLSearchParams({ envelope_types: 'GAUGE', start_time: String(start), limit: String(PAGE) });
    const body = await (await get('/api/v1/read/' + encodeURIComponent(sourceId) + '?' + query)).json();
    return ((body.envelopes && body.envelopes.batch) || []).filter((e) => e.gauge);
  }

  /** Source ids the caller may read with their activity: [{id, count, newestMs}] or null when not served. */
  async sources() {
    const body = await (await get('/api/v1/meta')).json();
    return Object.entries(body.meta || {}).map(([id, m]) => ({
      id, count: Number(m.count || 0), newestMs: Number(BigInt(m.newestTimestamp || '0') / 1000000n),
    }));
  }
}

class RecentLogsHistory {
  get name() { return 'recent logs'; }

  async multipart(url) {
    const response = await get(url);
    const type = response.headers.get('Content-Type') || '';
    const boundary = /boundary=([^;]+)/.exec(type);
    if (!boundary) return [];
    const bytes = new Uint8Array(await response.arrayBuffer());
    const decoded = [];
    for (const part of multipartParts(bytes, boundary[1].trim())) {
      try {
        const d = decodeEnvelope(part);
        if (d) decoded.push(d);
      } catch (e) {
        console.warn('skipped an undecodable envelope from', url, e.message);
      }
    }
    return decoded;
  }

  /** Everything the Dopplers retained (the v1 API has no paging): the caller drops what it has. */
  async olderLogs(sourceId) {
    const decoded = await this.multipart('/apps/' + encodeURIComponent(sourceId) + '/recentlogs');
    const lines = decoded.filter((d) => d.kind === 'log').map((d) => d.line);
    lines.sort((a, b) => a.t - b.t);
    return { lines, exhausted: true };
  }

  /** The retained lines in the range (the v1 API cannot ask for one: everything is read and filtered). */
  async logsBetween(sourceId, startNs, endNs, max) {
    const start = BigInt(startNs); const end = BigInt(endNs);
    const { lines } = await this.olderLogs(sourceId);
    const inRange = lines.filter((l) => BigInt(l.ns) >= start && BigInt(l.ns) < end);
    return { lines: inRange.slice(Math.max(0, inRange.length - max)), complete: inRange.length <= max };
  }

  async recentGauges(sourceId) {
    const decoded = await this.multipart('/apps/' + encodeURIComponent(sourceId) + '/containermetrics');
    return decoded.filter((d) => d.kind === 'gauge').map((d) => d.env);
  }

  async sources() { return null; }
}

let chosen = null;

/** The history client for this server, decided once per page. */
export function history() {
  if (!chosen) {
    chosen = fetch('/api/v1/info', { credentials: 'same-origin' })
      .then(async (r) => {
        if (!r.ok) return new RecentLogsHistory();
        const info = await r.json();
        return info && info.version ? new LogCacheHistory() : new RecentLogsHistory();
      })
      .catch(() => new RecentLogsHistory());
  }
  return chosen;
}
