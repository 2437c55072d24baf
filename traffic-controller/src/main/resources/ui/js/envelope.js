// Envelopes as the page keeps them. v2 envelopes arrive as protojson (the RLP gateway's and Log
// Cache's form: int64 as strings, bytes as base64); v1 ones (recent logs, container metrics) as
// dropsonde protobuf, decoded by v1.js into the same shapes.

const utf8 = new TextDecoder('utf-8');

/** Base64 to text; pure-ASCII payloads (most log lines) skip the UTF-8 decoder. */
export function decodePayload(base64) {
  if (!base64) return '';
  const binary = atob(base64);
  for (let i = 0; i < binary.length; i++) {
    if (binary.charCodeAt(i) > 0x7f) {
      const bytes = new Uint8Array(binary.length);
      for (let j = 0; j < binary.length; j++) bytes[j] = binary.charCodeAt(j);
      return utf8.decode(bytes);
    }
  }
  return binary;
}

/** Nanoseconds (a decimal string, beyond 2^53) to milliseconds with the sub-millisecond part as a fraction. */
export function nanosToMillis(ns) {
  const s = String(ns || '0');
  if (s.length <= 6) return Number(s) / 1e6;
  return Number(s.slice(0, -6)) + Number(s.slice(-6)) / 1e6;
}

const DROP_COUNTER = 'TruncatingBuffer.DroppedMessages';

/**
 * A log line: {ns, t (ms), sourceId, instance, sourceType, err, text, notice}. Notices are the
 * system's own drop announcements (an LGR log line), shown where they arrived whatever the filters.
 */
export function logLine(ns, sourceId, instance, sourceType, err, text) {
  if (text.endsWith('\n')) text = text.replace(/[\r\n]+$/, '');
  return {
    ns, t: nanosToMillis(ns), sourceId, instance, sourceType, err, text,
    notice: sourceType === 'LGR', rows: 1, cols: -1,
  };
}

/** Sorts a v2 envelope (parsed protojson) into one of: a log line, a metric sample, or a drop count. */
export function classify(env) {
  if (env.log) {
    const tags = env.tags || {};
    return {
      kind: 'log',
      line: logLine(env.timestamp, env.source_id || '', env.instance_id || '', tags.source_type || '',
        env.log.type === 'ERR', decodePayload(env.log.payload)),
    };
  }
  if (env.gauge) return { kind: 'gauge', env };
  if (env.counter) {
    if (env.counter.name === DROP_COUNTER) return { kind: 'dropped', env };
    return { kind: 'counter', env };
  }
  if (env.event) return { kind: 'event', env };
  return { kind: 'other', env };
}

/** A stable identity for de-duplicating the same line seen live and in history. */
export function lineKey(line) {
  return line.ns + '|' + line.instance + '|' + line.sourceType + '|' + (line.err ? 'E' : 'O') + '|' + line.text;
}
