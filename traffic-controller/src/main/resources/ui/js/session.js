// Signing in and out. The token never stays in the page: it is posted once to /set-cookie (or a
// UAA sign-in happens on the server, /ui/login) and lives in an HttpOnly cookie the browser sends
// with every request; /ui/session says whose it is and until when.

export async function config() {
  const response = await fetch('/ui/config.json', { credentials: 'same-origin', cache: 'no-store' });
  if (!response.ok) throw new Error('config.json answered ' + response.status);
  return response.json();
}

/** {signed_in, user, scopes, firehose, expires_at} or {signed_in: false, reason: missing|expired|invalid, message}. */
export async function session() {
  const response = await fetch('/ui/session', { credentials: 'same-origin', cache: 'no-store' });
  if (!response.ok) throw new Error('session answered ' + response.status);
  return response.json();
}

async function setCookie(value) {
  const form = new URLSearchParams({ CookieName: 'authorization', CookieValue: value });
  const response = await fetch('/set-cookie', { method: 'POST', credentials: 'same-origin', body: form });
  if (!response.ok) throw new Error('set-cookie answered ' + response.status);
}

/** A pasted token, with or without its "bearer " prefix. */
export async function signInWithToken(token) {
  const trimmed = token.trim().replace(/^bearer\s+/i, '');
  if (!trimmed) throw new Error('paste a token');
  await setCookie('bearer ' + trimmed);
  return session();
}

/** UAA: {grant_type: 'password', username, password} or {grant_type: 'client_credentials', client_id, client_secret}. */
export async function signInWithUaa(fields) {
  const response = await fetch('/ui/login', {
    method: 'POST', credentials: 'same-origin', body: new URLSearchParams(fields),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.message || 'sign-in failed (' + response.status + ')');
  return session();
}

export async function signOut() {
  await setCookie('');
}
