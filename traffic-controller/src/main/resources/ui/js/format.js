// Text helpers shared by the views.

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s) {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function pad(n, width = 2) { return String(n).padStart(width, '0'); }

/** 2026-11-21 14:03:05.123 in local time, or ...Z in UTC. */
export function formatTime(ms, utc) {
  const d = new Date(ms);
  if (utc) {
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' '
      + pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds()) + '.'
      + pad(d.getUTCMilliseconds(), 3) + 'Z';
  }
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' '
    + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + '.'
    + pad(d.getMilliseconds(), 3) + ' ';
}

export function formatBytes(n) {
  if (!Number.isFinite(n)) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (Math.abs(n) >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? String(Math.round(n)) : n.toFixed(1)) + ' ' + units[i];
}

export function ago(ms) {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.round(s / 60) + ' min ago';
  return Math.round(s / 3600) + ' h ago';
}

/** The source label as the cf CLI prints it: [SOURCE_TYPE/INSTANCE]. */
export function sourceLabel(line) {
  return line.instance === '' ? line.sourceType : line.sourceType + '/' + line.instance;
}

/** A colour class per source type family (APP, RTR, STG, API, CELL, SSH, LGR, other). */
export function sourceClass(sourceType) {
  const family = sourceType.split('/')[0].toUpperCase();
  switch (family) {
    case 'APP': case 'RTR': case 'STG': case 'API': case 'CELL': case 'SSH': case 'LGR': case 'HEALTH':
      return 'st-' + family.toLowerCase();
    default:
      return 'st-other';
  }
}

/** One line as text, for copy and download (the cf CLI's order of fields). */
export function lineText(line, utc, withSource) {
  return formatTime(line.t, utc).trimEnd() + ' ' + (withSource ? line.sourceId + ' ' : '')
    + '[' + sourceLabel(line) + '] ' + (line.err ? 'ERR ' : 'OUT ') + line.text;
}
