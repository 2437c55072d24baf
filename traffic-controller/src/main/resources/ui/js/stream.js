// The live stream: the RLP gateway's GET /v2/read (Server-Sent Events) read with fetch, so the page
// sees status codes (EventSource hides them) and can tell "access denied" from "connection lost".
// The browser sends the HttpOnly authorization cookie with it. Reconnects with backoff (0.5 s
// doubling to 30 s); a `closing` event (the stream's lifetime, or the token expired) ends a stream
// cleanly.

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30000;
export const TOKEN_EXPIRED = 'Authorization token expired';

export class LiveStream {
  /**
   * query: URLSearchParams of /v2/read; handlers: {batch(envelopes), state(state, detail)} where
   * state is 'connecting' | 'connected' | 'reconnecting' {inMs, attempt, reason} | 'denied' {status} |
   * 'expired' | 'stopped'.
   */
  constructor(query, handlers) {
    this.query = query; this.handlers = handlers;
    this.stopped = false; this.attempt = 0; this.timer = 0; this.controller = null;
    this.lastEventAt = 0;
    this.busyMs = 0; // main-thread time spent parsing and handling events
  }

  start() { this.connect(); return this; }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.controller) this.controller.abort();
    this.handlers.state('stopped');
  }

  async connect() {
    if (this.stopped) return;
    this.handlers.state(this.attempt === 0 ? 'connecting' : 'reconnecting', { attempt: this.attempt });
    this.controller = new AbortController();
    let reason = 'the stream ended';
    try {
      const response = await fetch('/v2/read?' + this.query, {
        credentials: 'same-origin', signal: this.controller.signal, headers: { Accept: 'text/event-stream' },
        cache: 'no-store',
      });
      if (response.status === 404 || response.status === 401 || response.status === 403) {
        // The gateway answers every auth failure with 404: the page asks who it is to say which.
        this.handlers.state('denied', { status: response.status });
        return;
      }
      if (!response.ok) {
        reason = 'the server answered ' + response.status;
      } else {
        this.handlers.state('connected');
        const closing = await this.read(response.body);
        if (closing !== null) {
          if (closing.startsWith(TOKEN_EXPIRED)) { this.handlers.state('expired'); return; }
          this.attempt = 0; // a clean end (the stream's lifetime): straight back
          reason = 'the server closed the stream: ' + closing;
        }
      }
    } catch (e) {
      if (this.stopped) return;
      reason = e.name === 'TypeError' ? 'the connection failed' : e.message;
    }
    if (this.stopped) return;
    const delay = this.attempt === 0 ? 0 : Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** (this.attempt - 1));
    this.attempt++;
    this.handlers.state('reconnecting', { inMs: delay, attempt: this.attempt, reason });
    this.timer = setTimeout(() => this.connect(), delay);
  }

  /** Reads events until the end; returns the `closing` event's data, or null when the stream just ended. */
  async read(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return null;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const closing = this.dispatch(event);
        if (closing !== null) { reader.cancel().catch(() => {}); return closing; }
      }
    }
  }

  dispatch(event) {
    let type = 'message'; let data = '';
    for (const line of event.split('\n')) {
      if (line.startsWith('data:')) data += (data ? '\n' : '') + line.slice(line.charAt(5) === ' ' ? 6 : 5);
      else if (line.startsWith('event:')) type = line.slice(6).trim();
    }
    this.lastEventAt = Date.now();
    if (type === 'closing') return data;
    if (type === 'message' && data) {
      this.attempt = 0; // data flowed: the next loss starts the backoff again
      const started = performance.now();
      const parsed = JSON.parse(data);
      this.handlers.batch(parsed.batch || []);
      this.busyMs += performance.now() - started;
    }
    return null;
  }
}
