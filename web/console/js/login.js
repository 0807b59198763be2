// /login#k=SECRET: the one-time secret travels in the fragment (never sent
// by the browser); POST it to /api/login, then drop it from the address bar
// and the history before loading the console (docs/console-api.md).
async function login() {
  const m = /(?:^#|&)k=([A-Za-z0-9_-]{43})(?:&|$)/.exec(location.hash);
  // Out of the address bar and the history whatever happens next.
  history.replaceState(null, '', '/login');
  let ok = false;
  if (m) {
    try {
      const res = await fetch('/api/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ secret: m[1] }),
        credentials: 'same-origin',
        cache: 'no-store',
      });
      ok = res.ok;
    } catch {
      ok = false;
    }
  }
  if (ok) {
    history.replaceState(null, '', '/');
    location.replace('/');
    return;
  }
  document.getElementById('login-status').hidden = true;
  document.getElementById('login-error').hidden = false;
}

login();
