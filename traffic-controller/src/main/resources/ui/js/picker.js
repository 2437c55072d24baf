// The app picker: the sources the user may read, with recent activity. From Log Cache's
// /api/v1/meta where it is served; otherwise, for users who may read the firehose, from a short
// live sample of it; plus the apps this browser opened before (ids only) and a box to type one.
import { LiveStream } from './stream.js';
import { ago, escapeHtml } from './format.js';

const RECENT_KEY = 'loggregator-ui.recent-apps';
const MAX_RECENT = 10;
const MAX_SOURCES = 500;

export function rememberApp(id) {
  try {
    const recent = recentApps().filter((a) => a !== id);
    recent.unshift(id);
    localStorage.setItem(RECENT_KEY, JSON.stringify(recent.slice(0, MAX_RECENT)));
  } catch (e) { /* storage may be off: the list is a convenience */ }
}

function recentApps() {
  try {
    const value = JSON.parse(localStorage.getItem(RECENT_KEY) || '[]');
    return Array.isArray(value) ? value.filter((v) => typeof v === 'string') : [];
  } catch (e) { return []; }
}

export class AppPicker {
  constructor(root, { history, session, onHealth }) {
    this.root = root; this.history = history; this.session = session; this.onHealth = onHealth;
    this.sources = new Map(); // id -> {id, logs, envelopes, lastMs, instances:Set}
    this.stream = null; this.timer = 0;
    root.innerHTML = `
      <h1>Apps</h1>
      <form class="open-app" id="open-app-form">
        <label for="open-app-id">Open an app by id</label>
        <input id="open-app-id" name="id" autocomplete="off" spellcheck="false" placeholder="app GUID or source id">
        <button type="submit">Open</button>
      </form>
      <section aria-labelledby="active-title"><h2 id="active-title">Recent activity</h2>
        <p class="hint" id="activity-hint"></p>
        <table class="apps" id="app-list"><thead><tr><th scope="col">source id</th><th scope="col">log lines</th>
          <th scope="col">envelopes</th><th scope="col">instances</th><th scope="col">last seen</th></tr></thead><tbody></tbody></table>
      </section>
      <section aria-labelledby="recent-title" id="recent-section"><h2 id="recent-title">Opened before</h2><ul id="recent-list"></ul></section>`;
    root.querySelector('#open-app-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const id = root.querySelector('#open-app-id').value.trim();
      if (id) location.hash = '#/apps/' + encodeURIComponent(id);
    });
    const recent = recentApps();
    root.querySelector('#recent-section').hidden = recent.length === 0;
    root.querySelector('#recent-list').innerHTML = recent
      .map((id) => '<li><a href="#/apps/' + encodeURIComponent(id) + '">' + escapeHtml(id) + '</a></li>').join('');
    this.load();
  }

  async load() {
    const hint = this.root.querySelector('#activity-hint');
    const meta = await this.history.sources().catch(() => null);
    if (meta) {
      hint.textContent = 'From Log Cache: every source you may read.';
      for (const m of meta) this.sources.set(m.id, { id: m.id, logs: null, envelopes: m.count, lastMs: m.newestMs, instances: null });
      this.render();
      return;
    }
    if (!this.session.firehose) {
      hint.textContent = 'Type the id of an app you may read (listing every app needs Log Cache or the doppler.firehose scope).';
      this.root.querySelector('#app-list').hidden = true;
      return;
    }
    hint.textContent = 'Sources seen on the firehose since this page opened, most active first.';
    const query = new URLSearchParams('log&counter&gauge&event');
    query.set('shard_id', 'ui-picker-' + Math.random().toString(36).slice(2));
    this.stream = new LiveStream(query, {
      batch: (envelopes) => this.sample(envelopes),
      state: (state, detail) => this.onHealth(state, detail),
    }).start();
    this.timer = setInterval(() => this.render(), 1000);
  }

  sample(envelopes) {
    const now = Date.now();
    for (const env of envelopes) {
      const id = env.source_id;
      if (!id) continue;
      let s = this.sources.get(id);
      if (!s) {
        if (this.sources.size >= MAX_SOURCES) this.forgetQuietest();
        s = { id, logs: 0, envelopes: 0, lastMs: now, instances: new Set() };
        this.sources.set(id, s);
      }
      s.envelopes++;
      s.lastMs = now;
      if (env.log) s.logs++;
      if (env.instance_id !== undefined && s.instances.size < 100) s.instances.add(env.instance_id);
    }
  }

  forgetQuietest() {
    let quietest = null;
    for (const s of this.sources.values()) if (!quietest || s.lastMs < quietest.lastMs) quietest = s;
    if (quietest) this.sources.delete(quietest.id);
  }

  render() {
    const rows = [...this.sources.values()].sort((a, b) => (b.logs ?? 0) - (a.logs ?? 0) || b.envelopes - a.envelopes || a.id.localeCompare(b.id));
    this.root.querySelector('#app-list tbody').innerHTML = rows.map((s) => '<tr><td><a href="#/apps/'
      + encodeURIComponent(s.id) + '" data-app="' + escapeHtml(s.id) + '">' + escapeHtml(s.id) + '</a></td><td class="num">'
      + (s.logs ?? '') + '</td><td class="num">' + s.envelopes + '</td><td class="num">'
      + (s.instances ? s.instances.size : '') + '</td><td>' + (s.lastMs ? ago(s.lastMs) : '') + '</td></tr>').join('');
  }

  destroy() {
    clearInterval(this.timer);
    if (this.stream) this.stream.stop();
  }
}
