// Just enough dropsonde v1 protobuf to read what the v1 API's recent logs and container metrics
// return (multipart/x-protobuf, one marshalled Envelope per part): LogMessage and ContainerMetric.
import { logLine } from './envelope.js';

const utf8 = new TextDecoder('utf-8');

class Reader {
  constructor(bytes, start = 0, end = bytes.length) {
    this.b = bytes; this.p = start; this.end = end;
  }
  more() { return this.p < this.end; }
  varint() { // as BigInt: timestamps and byte counts exceed 2^53
    let result = 0n; let shift = 0n;
    for (;;) {
      if (this.p >= this.end) throw new Error('truncated varint');
      const byte = this.b[this.p++];
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
      shift += 7n;
      if (shift > 63n) throw new Error('varint too long');
    }
  }
  double() {
    const view = new DataView(this.b.buffer, this.b.byteOffset + this.p, 8);
    this.p += 8;
    return view.getFloat64(0, true);
  }
  bytes() {
    const length = Number(this.varint());
    const start = this.p;
    this.p += length;
    if (this.p > this.end) throw new Error('truncated field');
    return [start, this.p];
  }
  skip(wire) {
    if (wire === 0) this.varint();
    else if (wire === 1) this.p += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.p += 4;
    else throw new Error('unsupported wire type ' + wire);
  }
  fields(handle) {
    while (this.more()) {
      const tag = Number(this.varint());
      const field = tag >>> 3; const wire = tag & 7;
      if (!handle(field, wire)) this.skip(wire);
    }
  }
}

function text(bytes, [start, end]) {
  return utf8.decode(bytes.subarray(start, end));
}

function logMessage(bytes, range, envelope) {
  let message = ''; let type = 1n; let ts = 0n; let app = ''; let sourceType = ''; let instance = '';
  const r = new Reader(bytes, range[0], range[1]);
  r.fields((field, wire) => {
    if (field === 1 && wire === 2) message = text(bytes, r.bytes());
    else if (field === 2 && wire === 0) type = r.varint();
    else if (field === 3 && wire === 0) ts = BigInt.asIntN(64, r.varint());
    else if (field === 4 && wire === 2) app = text(bytes, r.bytes());
    else if (field === 5 && wire === 2) sourceType = text(bytes, r.bytes());
    else if (field === 6 && wire === 2) instance = text(bytes, r.bytes());
    else return false;
    return true;
  });
  return { kind: 'log', line: logLine(String(ts || envelope.timestamp), app, instance, sourceType, type === 2n, message) };
}

function containerMetric(bytes, range, envelope) {
  const m = { instance: 0, cpu: 0, memory: 0, disk: 0, memoryQuota: 0, diskQuota: 0 };
  const r = new Reader(bytes, range[0], range[1]);
  r.fields((field, wire) => {
    if (field === 2 && wire === 0) m.instance = Number(BigInt.asIntN(32, r.varint()));
    else if (field === 3 && wire === 1) m.cpu = r.double();
    else if (field === 4 && wire === 0) m.memory = Number(r.varint());
    else if (field === 5 && wire === 0) m.disk = Number(r.varint());
    else if (field === 6 && wire === 0) m.memoryQuota = Number(r.varint());
    else if (field === 7 && wire === 0) m.diskQuota = Number(r.varint());
    else return false;
    return true;
  });
  // The v2 form the live stream carries, so one code path charts both.
  return {
    kind: 'gauge',
    env: {
      timestamp: String(envelope.timestamp), instance_id: String(m.instance),
      gauge: { metrics: {
        cpu: { unit: 'percentage', value: m.cpu }, memory: { unit: 'bytes', value: m.memory },
        disk: { unit: 'bytes', value: m.disk }, memory_quota: { unit: 'bytes', value: m.memoryQuota },
        disk_quota: { unit: 'bytes', value: m.diskQuota },
      } },
    },
  };
}

/** One marshalled Envelope: a log line, a container metric in v2 form, or null for anything else. */
export function decodeEnvelope(bytes) {
  const envelope = { timestamp: 0n };
  let log = null; let metric = null;
  const r = new Reader(bytes);
  r.fields((field, wire) => {
    if (field === 6 && wire === 0) envelope.timestamp = BigInt.asIntN(64, r.varint());
    else if (field === 8 && wire === 2) log = r.bytes();
    else if (field === 12 && wire === 2) metric = r.bytes();
    else return false;
    return true;
  });
  if (log) return logMessage(bytes, log, envelope);
  if (metric) return containerMetric(bytes, metric, envelope);
  return null;
}

/** The parts of a multipart body (Go's mime/multipart layout: parts may have headers, a blank line, then bytes). */
export function multipartParts(bytes, boundary) {
  const enc = new TextEncoder();
  const delimiter = enc.encode('--' + boundary);
  const parts = [];
  const positions = [];
  outer: for (let i = 0; i + delimiter.length <= bytes.length; i++) {
    for (let j = 0; j < delimiter.length; j++) {
      if (bytes[i + j] !== delimiter[j]) continue outer;
    }
    positions.push(i);
    i += delimiter.length - 1;
  }
  for (let k = 0; k + 1 < positions.length; k++) {
    let start = positions[k] + delimiter.length;
    // past the delimiter line's CRLF and any part headers, up to the blank line
    let headerEnd = -1;
    for (let i = start; i + 3 < positions[k + 1]; i++) {
      if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) { headerEnd = i + 4; break; }
    }
    if (headerEnd < 0) continue;
    let end = positions[k + 1];
    if (end >= 2 && bytes[end - 2] === 13 && bytes[end - 1] === 10) end -= 2;
    parts.push(bytes.subarray(headerEnd, end));
  }
  return parts;
}
