// Quick exit: a fixed button on every view, and Shift pressed three times
// within about a second (as on public-service sites). The page is blanked
// at once, abrid is asked to send Clear-Site-Data, and location.replace()
// swaps this page for a neutral site so that Back does not return here.
// It cannot erase the browser's global history: the pages say so.

const FALLBACK_URL = 'https://www.wikipedia.org/';
const SHIFT_WINDOW_MS = 1200;

let exitUrl = FALLBACK_URL;
let onWipe = () => {};
let shifts = [];

/** url: the neutral site from /v1/config (quick_exit_url), if any. */
export function setExitUrl(url) {
  if (typeof url !== 'string') return;
  try {
    const u = new URL(url, location.href);
    if (u.protocol === 'https:' || u.protocol === 'http:') exitUrl = u.href;
  } catch {
    // keep the fallback
  }
}

export function quickExit() {
  try { onWipe(); } catch { /* the exit must happen whatever fails */ }
  document.title = '';
  document.body.replaceChildren();
  document.body.className = 'blank';
  try {
    if (navigator.sendBeacon) navigator.sendBeacon('/v1/exit');
  } catch { /* best effort */ }
  location.replace(exitUrl);
}

function onKey(ev) {
  if (ev.key !== 'Shift' || ev.repeat) return;
  const now = performance.now();
  shifts = shifts.filter((at) => now - at < SHIFT_WINDOW_MS);
  shifts.push(now);
  if (shifts.length >= 3) {
    shifts = [];
    quickExit();
  }
}

/** Installs the key listener and the button; wipe() forgets secrets in memory. */
export function installQuickExit(button, wipe) {
  if (wipe) onWipe = wipe;
  button.addEventListener('click', (ev) => {
    ev.preventDefault();
    quickExit();
  });
  document.addEventListener('keydown', onKey, true);
}
