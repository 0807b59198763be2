// SPDX-License-Identifier: AGPL-3.0-or-later
// The page's only script: index.html loads it with its Subresource
// Integrity. Static imports carry no integrity, and a <link
// rel=modulepreload integrity> whose check fails does not stop a later
// import of the same URL (Chromium fetches the module again, unchecked, and
// runs it). So this file imports nothing statically. It preloads every
// module of the app's static import graph with its SHA-384 (MODULES, which
// web/build.mjs writes here; index.html starts the same preloads, with the
// same integrity, while it is parsed), waits until each one is checked into
// the document's module map, and only then imports js/main.js: its imports
// all resolve to the checked modules. If one fails, no module of the app
// runs and the page says so. Modules loaded later go through
// importChecked() (js/integrity.js). See docs/web.md.

// [path relative to the site root, integrity], dependencies first.
const MODULES = /* filled by web/build.mjs */ [];

const ROOT = new URL('../', import.meta.url).href;

function preload([path, integrity]) {
  return new Promise((resolve, reject) => {
    const link = document.createElement('link');
    link.rel = 'modulepreload';
    link.integrity = integrity;
    link.href = new URL(path, ROOT).href;
    link.addEventListener('load', () => resolve(), { once: true });
    link.addEventListener('error', () => reject(new Error(`integrity: ${path}`)), { once: true });
    document.head.append(link);
  });
}

// Nothing of the app runs: say so (in English, like the noscript text:
// the catalogs need the app), and keep the quick exit working (its module
// may be the one that failed): to js/quickexit.js's fallback site, without
// the beacon (nothing was typed yet).
function stop() {
  document.documentElement.dataset.app = 'stopped';
  const main = document.getElementById('main');
  const note = document.getElementById('load-stopped');
  if (main && note) {
    main.hidden = true;
    note.hidden = false;
  }
  document.getElementById('lang-btn')?.setAttribute('hidden', ''); // no app to change language
  document.getElementById('quick-exit')?.addEventListener('click', () => {
    document.body.replaceChildren();
    location.replace('https://www.wikipedia.org/');
  });
}

// Without modulepreload (Safari before 17) the modules cannot be checked.
const canCheck = document.createElement('link').relList?.supports?.('modulepreload') === true;
if (MODULES.length === 0 || !canCheck) {
  stop();
} else {
  Promise.all(MODULES.map(preload))
    .then(() => import('./main.js'))
    .catch(stop);
}
