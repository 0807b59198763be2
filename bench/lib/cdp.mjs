// A minimal DevTools-protocol client over --remote-debugging-pipe, for the
// web benchmarks (bench/web-*.mjs). playwright-core's CDPSession cannot
// address the child sessions that Target.setAutoAttach {flatten: true}
// creates for Web Workers, and the benchmarks must throttle and watch the
// KDF worker itself; so these scripts speak CDP directly to the same
// Chromium (executable and flags of web/tests/lib/browser.mjs).
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { CHROMIUM, LAUNCH_ARGS } from '../../web/tests/lib/browser.mjs';

export class Browser extends EventEmitter {
  static async launch() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'abri-bench-chromium-'));
    const proc = spawn(
      CHROMIUM,
      [...LAUNCH_ARGS, '--headless', '--remote-debugging-pipe', `--user-data-dir=${dir}`, 'about:blank'],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
    );
    return new Browser(proc, dir);
  }

  constructor(proc, dir) {
    super();
    this.setMaxListeners(0);
    this.proc = proc;
    this.dir = dir;
    this.id = 0;
    this.pending = new Map();
    let buf = '';
    proc.stdio[4].on('data', (chunk) => {
      buf += chunk.toString('utf8');
      let i;
      while ((i = buf.indexOf('\0')) >= 0) {
        const msg = JSON.parse(buf.slice(0, i));
        buf = buf.slice(i + 1);
        this.dispatch(msg);
      }
    });
  }

  dispatch(msg) {
    if (msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (!p) return;
      if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
      else p.resolve(msg.result);
    } else {
      this.emit('event', msg.method, msg.params, msg.sessionId);
      this.emit(msg.method, msg.params, msg.sessionId);
    }
  }

  /** Sends a command; sessionId addresses a target attached with flatten. */
  send(method, params = {}, sessionId = undefined) {
    const id = ++this.id;
    const msg = { id, method, params };
    if (sessionId) msg.sessionId = sessionId;
    this.proc.stdio[3].write(`${JSON.stringify(msg)}\0`);
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject, method }));
  }

  /** A new page target, attached with flatten: its session id. */
  async newPage() {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    return sessionId;
  }

  /** Evaluates an expression in a session (page or worker); its value. */
  async evaluate(sessionId, expression) {
    const r = await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, sessionId);
    if (r.exceptionDetails) throw new Error(`evaluate: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value;
  }

  /** Polls an expression in the page until it is truthy; its value. */
  async waitFor(sessionId, expression, timeoutMs = 60000, everyMs = 10) {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await this.evaluate(sessionId, expression).catch(() => undefined);
      if (v) return v;
      if (Date.now() > end) throw new Error(`timeout waiting for ${expression}`);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  async close() {
    await this.send('Browser.close').catch(() => {});
    await new Promise((r) => {
      if (this.proc.exitCode !== null) r();
      else this.proc.once('exit', r);
    });
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export const WEB_URL = process.env.ABRI_WEB_URL || 'http://127.0.0.1:8470';

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
