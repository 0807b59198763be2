// SPDX-License-Identifier: AGPL-3.0-or-later
// Subresource Integrity for the modules the page loads after it started
// (docs/web.md, "Integrity of every module"). An import() carries no
// integrity, and a <link rel=modulepreload integrity> whose check fails
// does not stop a later import() of the same URL: Chromium then fetches the
// module again, unchecked, and runs it. So a module is imported only once
// its preload has succeeded: the checked module is then in the document's
// module map, and import() and the module's own static imports take it
// from there (no second request).
//
// importChecked(specifier, import.meta.url) is how the app's code loads one
// of its modules later. web/build.mjs refuses an import() of an app module
// anywhere else, reads the literal specifier of each importChecked() and
// writes into js/sri.js (DYNAMIC) that module and everything it imports
// statically, with their SHA-384, dependencies first. js/boot.js does the
// same for the modules of the first page.
import { DYNAMIC } from './sri.js';

// The site root (this file is js/integrity.js): paths in js/sri.js are
// relative to it, so the app works under any prefix.
const ROOT = new URL('../', import.meta.url).href;

export class IntegrityError extends Error {
  constructor(path) {
    super(`integrity: ${path}`);
    this.name = 'IntegrityError';
    this.code = 'integrity';
  }
}

const preloads = new Map(); // path -> Promise of its checked preload

function preloadOne({ path, integrity }) {
  let p = preloads.get(path);
  if (p === undefined) {
    p = new Promise((resolve, reject) => {
      const link = document.createElement('link');
      link.rel = 'modulepreload';
      link.integrity = integrity;
      link.href = new URL(path, ROOT).href;
      link.addEventListener('load', () => resolve(), { once: true });
      link.addEventListener('error', () => reject(new IntegrityError(path)), { once: true });
      document.head.append(link);
    });
    // A failure is not kept: the next attempt fetches (and checks) again,
    // so a connection lost on a poor link can be retried.
    p.catch(() => {
      if (preloads.get(path) === p) preloads.delete(path);
    });
    preloads.set(path, p);
  }
  return p;
}

/**
 * Page only: preloads [{path, integrity}] with integrity, all links added
 * at once in the given order (dependencies first); rejects with an
 * IntegrityError if one does not load or does not match.
 */
export function preloadModules(entries) {
  return Promise.all(entries.map(preloadOne));
}

/**
 * Page only: import(specifier) relative to base (import.meta.url), once
 * that module and its static imports are preloaded with the integrity the
 * build recorded. A module the build did not record is refused.
 */
export async function importChecked(specifier, base) {
  const href = new URL(specifier, base).href;
  const path = href.startsWith(ROOT) ? href.slice(ROOT.length) : href;
  if (!Object.hasOwn(DYNAMIC, path)) throw new IntegrityError(path);
  await preloadModules(DYNAMIC[path]);
  return import(href);
}
