// Shared helpers of the browser tests (web/tests/*.test.mjs), run by
// tests/integration/web.sh against a real abrid serving a fresh build:
//   launch()                 Debian's Chromium through playwright-core
//                            ({fakeMedia: true}: with a fake microphone)
//   newPage(browser, {lang}) a page in a fresh context (no shared state)
//   runAxe(page)             axe-core's WCAG violations on the current page
//   cli(args)                the listener CLI (ABRI_CLI_L1), returns stdout
// Playwright never downloads a browser here: executablePath is fixed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

export const CHROMIUM = process.env.ABRI_CHROMIUM || '/usr/bin/chromium';
export const WEB_URL = process.env.ABRI_WEB_URL || 'http://127.0.0.1:8470';
export const SCREENSHOTS = process.env.ABRI_SCREENSHOTS || '';

export const LAUNCH_ARGS = [
  '--no-sandbox', // root in containers and CI; the page is our own
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// Chromium's fake microphone (a beep) and no permission prompt: for the
// voice-note tests only (launch({ fakeMedia: true })).
export const FAKE_MEDIA_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

export async function launch({ fakeMedia = false } = {}) {
  const { chromium } = await import('playwright-core');
  const args = fakeMedia ? [...LAUNCH_ARGS, ...FAKE_MEDIA_ARGS] : LAUNCH_ARGS;
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}

/** A page in its own context; lang sets navigator.language and Accept-Language. */
export async function newPage(browser, { lang = 'en', viewport = { width: 390, height: 844 }, permissions } = {}) {
  const context = await browser.newContext({ locale: lang, viewport, baseURL: WEB_URL, permissions });
  return context.newPage();
}

/** axe-core (from node_modules) run in the page: its violations, [] when clean.
 * Evaluated over the DevTools protocol, so the page's CSP (no inline script)
 * does not block it and it is not itself a violation. */
export async function runAxe(page, options = {}) {
  const source = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  return page.evaluate(
    async (opts) => {
      const r = await globalThis.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
        ...opts,
      });
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => n.target.join(' ')),
      }));
    },
    options,
  );
}

/** The listener CLI configured by the harness; args is an array. */
export function cli(args, { input } = {}) {
  const cmd = (process.env.ABRI_CLI_L1 || '').split(/\s+/).filter(Boolean);
  if (cmd.length === 0) throw new Error('ABRI_CLI_L1 is not set (run through tests/integration/web.sh)');
  return execFileSync(cmd[0], [...cmd.slice(1), ...args], {
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: 60000,
  });
}

/** Saves a full-page screenshot as ABRI_SCREENSHOTS/<name>.png (if set). */
export async function screenshot(page, name) {
  if (!SCREENSHOTS) return null;
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
