// PLACEHOLDER (console branch): the real script comes from the console web helper.
// Reads the one-time secret from the fragment, trades it for the session
// cookie, removes it from the address bar and the history, goes to '/'.
'use strict';
(async () => {
  const m = /^#k=([A-Za-z0-9_-]{43})$/.exec(location.hash);
  history.replaceState(null, '', '/login');
  if (!m) return;
  const r = await fetch('/api/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ secret: m[1] }),
    credentials: 'same-origin',
  });
  if (r.ok) {
    history.replaceState(null, '', '/');
    location.replace('/');
  } else {
    document.getElementById('status').textContent = 'This link was already used or has expired.';
  }
})();
