// The page: signs in, routes (#/ apps, #/apps/{id}, #/firehose), shows the health strip.
import * as auth from './session.js';
import { history } from './history.js';
import { AppPicker, rememberApp } from './picker.js';
import { TailPage } from './tail.js';

const $ = (selector) => document.querySelector(selector);
const state = { config: null, session: null, page: null, expiryTimer: 0 };

// The page's own performance figures, read by the browser tests: long tasks over the page's life.
const perf = { longTasks: 0, longTaskMs: 0, started: performance.now() };
try {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) { perf.longTasks++; perf.longTaskMs += entry.duration; }
  }).observe({ type: 'longtask', buffered: true });
} catch (e) { /* a browser without the Long Tasks API */ }

window.loggregatorViewer = {
  stats() {
    const page = state.page && state.page.stats ? state.page.stats() : null;
    const memory = performance.memory ? performance.memory.usedJSHeapSize : null;
    return { ...perf, now: performance.now(), page, heapUsed: memory };
  },
  /** The open view's lines as Download saves them. */
  text() {
    return state.page && state.page.view ? state.page.view.text() : '';
  },
};

function health(kind, text) {
  const el = $('#health');
  el.className = 'health ' + kind;
  el.dataset.state = kind;
  el.querySelector('.text').textContent = text;
}

function onStreamState(name, detail = {}) {
  switch (name) {
    case 'connecting': health('connecting', 'Connecting…'); break;
    case 'connected': health('connected', 'Connected'); break;
    case 'reconnecting':
      if (detail.inMs === undefined) health('reconnecting', 'Reconnecting (attempt ' + (detail.attempt + 1) + ')…');
      else health('reconnecting', 'Connection lost (' + (detail.reason || 'unknown') + '); reconnecting in '
        + (detail.inMs / 1000).toFixed(1) + ' s (attempt ' + detail.attempt + ')');
      break;
    case 'denied': checkDenied(); break;
    case 'expired': expired(); break;
    default: break;
  }
}

/** A refused stream or read: an expired or withdrawn token asks for a sign-in; otherwise it is access denied. */
async function checkDenied() {
  try {
    const s = await auth.session();
    if (!s.signed_in) { signInAgain(s.reason === 'expired' ? 'Your token expired. Sign in again.' : 'Please sign in again.'); return; }
  } catch (e) { /* fall through: say what we know */ }
  health('denied', 'Access denied: you may not read this (or it does not exist)');
  const view = $('#tail-view .log-wrap');
  if (view) {
    stopPage();
    $('#tail-view').innerHTML = '<div class="denied" role="alert"><h1>Access denied</h1><p>The server refused this stream. '
      + 'You need a token that may read this app' + (location.hash.startsWith('#/firehose') ? ' (the firehose needs the <code>doppler.firehose</code> scope)' : '')
      + '.</p><p><a href="#/">Back to the apps</a></p></div>';
  }
}

function expired() {
  signInAgain('Your token expired. Sign in again.');
}

function signInAgain(message) {
  stopPage();
  state.session = null;
  clearTimeout(state.expiryTimer);
  showSignIn(message, 'expired');
}

function stopPage() {
  if (state.page) { state.page.destroy(); state.page = null; }
}

function show(view) {
  for (const id of ['signin-view', 'picker-view', 'tail-view']) $('#' + id).hidden = id !== view;
}

function showSignIn(message, kind = 'signed-out') {
  show('signin-view');
  $('#nav').hidden = true; $('#who').hidden = true;
  $('#signin-message').textContent = message || '';
  health(kind, kind === 'expired' ? 'Token expired' : 'Signed out');
  const uaa = state.config && state.config.login && state.config.login.uaa;
  $('#signin-tabs').hidden = !uaa;
  $('#token').focus();
}

function signedIn(session) {
  state.session = session;
  $('#nav').hidden = false; $('#who').hidden = false;
  $('#nav-firehose').hidden = !session.firehose;
  $('#who-name').textContent = session.user + (session.expires_at ? ' (until ' + new Date(session.expires_at).toLocaleTimeString() + ')' : '');
  clearTimeout(state.expiryTimer);
  if (session.expires_at) {
    const inMs = session.expires_at - Date.now();
    // setTimeout holds at most 2^31-1 ms; a longer token is checked again when that runs out.
    state.expiryTimer = setTimeout(() => (inMs > 2 ** 31 - 1 ? refreshSession() : expired()), Math.min(inMs, 2 ** 31 - 1));
  }
}

async function refreshSession() {
  const s = await auth.session();
  if (s.signed_in) signedIn(s); else signInAgain('Your token expired. Sign in again.');
}

function route() {
  if (!state.session) { showSignIn(); return; }
  stopPage();
  const hash = location.hash || '#/';
  const app = /^#\/apps\/(.+)$/.exec(hash);
  for (const a of document.querySelectorAll('#nav a')) a.removeAttribute('aria-current');
  if (app) {
    const id = decodeURIComponent(app[1]);
    rememberApp(id);
    document.title = id + ' · Loggregator logs';
    show('tail-view');
    state.page = new TailPage($('#tail-view'), { sourceId: id, config: state.config, history: history(), handlers: { health: onStreamState } });
    $('#tail-view .log-scroller').focus();
  } else if (hash === '#/firehose') {
    $('#nav-firehose').setAttribute('aria-current', 'page');
    document.title = 'Firehose · Loggregator logs';
    show('tail-view');
    if (!state.session.firehose) {
      health('denied', 'Access denied: the firehose needs the doppler.firehose scope');
      $('#tail-view').innerHTML = '<div class="denied" role="alert"><h1>Access denied</h1><p>The firehose needs a token with the '
        + '<code>doppler.firehose</code> (or <code>logs.admin</code>) scope; yours has '
        + (state.session.scopes.length ? state.session.scopes.map((s) => '<code>' + s.replace(/[<>&]/g, '') + '</code>').join(', ') : 'none')
        + '.</p><p><a href="#/">Back to the apps</a></p></div>';
      return;
    }
    state.page = new TailPage($('#tail-view'), { sourceId: null, config: state.config, history: history(), handlers: { health: onStreamState } });
    $('#tail-view .log-scroller').focus();
  } else {
    $('#nav-apps').setAttribute('aria-current', 'page');
    document.title = 'Apps · Loggregator logs';
    show('picker-view');
    health('idle', 'Pick an app');
    state.page = new AppPicker($('#picker-view'), {
      history: { sources: () => history().then((h) => h.sources()) },
      session: state.session,
      onHealth: (name) => { if (name === 'expired' || name === 'denied') refreshSession(); },
    });
    $('#open-app-id').focus();
  }
}

async function submit(form, action) {
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  $('#signin-message').textContent = '';
  try {
    const s = await action();
    if (!s.signed_in) {
      await auth.signOut();
      $('#signin-message').textContent = s.reason === 'expired' ? 'That token has expired.' : 'That token was not accepted: ' + (s.message || s.reason);
      return;
    }
    form.reset();
    signedIn(s);
    route();
  } catch (e) {
    $('#signin-message').textContent = e.message;
  } finally {
    button.disabled = false;
  }
}

function bindSignIn() {
  const tokenForm = $('#form-token');
  tokenForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const token = $('#token').value;
    $('#token').value = ''; // the token stays nowhere in the page
    submit(tokenForm, () => auth.signInWithToken(token));
  });
  $('#form-password').addEventListener('submit', (e) => {
    e.preventDefault();
    const fields = { grant_type: 'password', username: $('#username').value, password: $('#password').value };
    $('#password').value = '';
    submit(e.target, () => auth.signInWithUaa(fields));
  });
  $('#form-client').addEventListener('submit', (e) => {
    e.preventDefault();
    const fields = { grant_type: 'client_credentials', client_id: $('#client-id').value, client_secret: $('#client-secret').value };
    $('#client-secret').value = '';
    submit(e.target, () => auth.signInWithUaa(fields));
  });
  const tabs = [...document.querySelectorAll('#signin-tabs [role=tab]')];
  const select = (tab) => {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      $('#' + t.getAttribute('aria-controls')).hidden = !on;
    }
    tab.focus();
  };
  tabs.forEach((tab, i) => {
    tab.addEventListener('click', () => select(tab));
    tab.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowRight') select(tabs[(i + 1) % tabs.length]);
      if (e.key === 'ArrowLeft') select(tabs[(i + tabs.length - 1) % tabs.length]);
    });
  });
  $('#sign-out').addEventListener('click', async () => {
    await auth.signOut();
    signInAgain('Signed out.');
    health('signed-out', 'Signed out');
  });
}

async function start() {
  bindSignIn();
  try {
    state.config = await auth.config();
    const s = await auth.session();
    if (s.signed_in) signedIn(s);
    else showSignIn(s.reason === 'expired' ? 'Your token expired. Sign in again.' : '', s.reason === 'expired' ? 'expired' : 'signed-out');
  } catch (e) {
    health('denied', 'The server could not be reached: ' + e.message);
    return;
  }
  window.addEventListener('hashchange', route);
  if (state.session) route();
}

start();
