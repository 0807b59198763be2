#!/usr/bin/env node
// Builds the reporter web app into a directory abrid serves (web_root):
//
//   node web/build.mjs --deployment deployment.json --out DIR
//
// 1. copies web/src to DIR (only the file types abrid serves; no dotfiles),
// 2. writes DIR/js/deployment.js from the deployment JSON
//    {"deployment_id", "org_public_key" (base64 Ed25519), "min_list_version"},
// 3. copies the libsodium sumo ES-module build from node_modules into
//    DIR/vendor/ (its bare import rewritten to a relative one: an import map
//    would be an inline script, which the CSP forbids),
// 4. adds Subresource Integrity (sha384) to every same-origin <script src>,
//    <link rel=modulepreload> and <link rel=stylesheet> of the HTML pages,
//    and writes DIR/js/sri.js with the sha384 of the vendored libsodium
//    modules (loaded later by import(), which carries no integrity: the page
//    preloads them with it, see js/vendor.js),
// 5. writes FILE.gz (gzip -9) and FILE.br (brotli, quality 11) next to every
//    text or wasm file when smaller: abrid sends them to clients that accept
//    them (libmicrohttpd compresses nothing itself).
//
// The output depends only on the inputs (sorted walk, fixed compression
// settings, gzip header without time); DIR is replaced as a whole, through
// a temporary sibling renamed into place. See docs/web.md.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const WEB = path.dirname(fileURLToPath(import.meta.url));
const SRC = path.join(WEB, 'src');
const SODIUM = [
  // [package dir under node_modules, file in dist/modules-sumo-esm, name in vendor/]
  ['libsodium-wrappers-sumo', 'libsodium-wrappers.mjs', 'libsodium-wrappers.mjs'],
  ['libsodium-sumo', 'libsodium-sumo.mjs', 'libsodium-sumo.mjs'],
];
// What abrid serves (src/abrid/static_path.c) and what of it is compressed.
const SERVED = new Set(['html', 'js', 'mjs', 'css', 'json', 'wasm', 'woff2', 'svg', 'png', 'ico', 'txt']);
const COMPRESSED = new Set(['html', 'js', 'mjs', 'css', 'json', 'wasm', 'svg', 'txt']);
const MARKER = '.abri-web-build';
const GENERATED = 'js/deployment.js';
// The SHA-384 of the vendored libsodium files, for js/vendor.js: the page
// preloads them with integrity, the KDF worker checks them before importing.
const GENERATED_SRI = 'js/sri.js';

function die(msg) {
  process.stderr.write(`build.mjs: ${msg}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--deployment' || a === '--out') {
      if (i + 1 >= argv.length) die(`${a} needs a value`);
      args[a.slice(2)] = argv[++i];
    } else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: node web/build.mjs --deployment FILE.json --out DIR\n');
      process.exit(0);
    } else {
      die(`unknown argument ${a}`);
    }
  }
  if (!args.deployment || !args.out) die('usage: node web/build.mjs --deployment FILE.json --out DIR');
  return args;
}

function readDeployment(file) {
  let d;
  try {
    d = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    die(`${file}: ${e.message}`);
  }
  if (typeof d !== 'object' || d === null) die(`${file}: not a JSON object`);
  const id = d.deployment_id;
  if (typeof id !== 'string' || !/^[a-z0-9.-]{1,64}$/.test(id)) die(`${file}: bad deployment_id`);
  const pk = d.org_public_key;
  if (typeof pk !== 'string' || !/^[A-Za-z0-9+/]{43}=$/.test(pk) || Buffer.from(pk, 'base64').length !== 32) {
    die(`${file}: org_public_key must be the base64 of a 32-byte Ed25519 public key`);
  }
  const min = d.min_list_version ?? 0;
  if (!Number.isInteger(min) || min < 0 || min > 0xffffffff) die(`${file}: bad min_list_version`);
  return { deploymentId: id, orgPublicKey: pk, minListVersion: min };
}

function ext(name) {
  const i = name.lastIndexOf('.');
  return i > 0 ? name.slice(i + 1) : '';
}

// Relative paths (with '/') of the files to copy, sorted.
function walk(dir, rel = '') {
  let entries;
  try {
    entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
  } catch (e) {
    if (e.code === 'ENOENT' && rel === '') return [];
    throw e;
  }
  const out = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name.startsWith('.')) continue;
    const r = rel ? `${rel}/${e.name}` : e.name;
    const st = fs.statSync(path.join(dir, r)); // follows symlinks: abrid serves none, so copy
    if (st.isDirectory()) out.push(...walk(dir, r));
    else if (st.isFile() && SERVED.has(ext(e.name)) && r !== GENERATED && r !== GENERATED_SRI) out.push(r);
  }
  return out;
}

function writeFile(out, rel, data) {
  const p = path.join(out, ...rel.split('/'));
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, data);
}

function deploymentModule(dep) {
  const j = (v) => JSON.stringify(v);
  return `// Generated by web/build.mjs from the deployment file: do not edit.
export const DEPLOYMENT_ID = ${j(dep.deploymentId)};
export const ORG_PUBLIC_KEY = ${j(dep.orgPublicKey)}; // base64 Ed25519
export const MIN_LIST_VERSION = ${dep.minListVersion};
export default Object.freeze({
  deploymentId: DEPLOYMENT_ID,
  orgPublicKey: ORG_PUBLIC_KEY,
  minListVersion: MIN_LIST_VERSION,
});
`;
}

function copyVendor(out) {
  const nm = path.join(WEB, 'node_modules');
  const files = [];
  for (const [pkg, file, name] of SODIUM) {
    const p = path.join(nm, pkg, 'dist', 'modules-sumo-esm', file);
    if (!fs.existsSync(p)) die(`${p} is missing: run \`npm ci --prefix web\``);
    let text = fs.readFileSync(p, 'utf8');
    // The wrappers import the raw library by its package name.
    text = text.replace(/(\bfrom\s*|\bimport\s*\(\s*|\bimport\s*)(["'])libsodium-sumo\2/g, '$1$2./libsodium-sumo.mjs$2');
    if (/(["'])libsodium-sumo\1/.test(text)) die(`${file}: a bare import of libsodium-sumo is left`);
    writeFile(out, `vendor/${name}`, text);
    files.push(`vendor/${name}`);
  }
  const lic = path.join(nm, 'libsodium-wrappers-sumo', 'LICENSE');
  if (fs.existsSync(lic)) {
    writeFile(out, 'vendor/libsodium-LICENSE.txt', fs.readFileSync(lic));
    files.push('vendor/libsodium-LICENSE.txt');
  }
  return files;
}

function sri(data) {
  return `sha384-${createHash('sha384').update(data).digest('base64')}`;
}

// js/sri.js: [path relative to the site root, integrity] of each vendored
// libsodium module, in load order (the raw library before the wrappers that
// import it). Paths are relative so the app works under any prefix.
function sriModule(out, vendorFiles) {
  const mods = vendorFiles.filter((f) => ext(f) === 'mjs');
  mods.sort((a, b) => (a.endsWith('/libsodium-sumo.mjs') ? -1 : b.endsWith('/libsodium-sumo.mjs') ? 1 : 0));
  const rows = mods.map((f) => {
    const integrity = sri(fs.readFileSync(path.join(out, ...f.split('/'))));
    return `  Object.freeze({ path: ${JSON.stringify(f)}, integrity: ${JSON.stringify(integrity)} }),`;
  });
  return `// Generated by web/build.mjs from the vendored files: do not edit.
// Subresource Integrity of the libsodium modules (js/vendor.js uses it).
export const VENDOR = Object.freeze([
${rows.join('\n')}
]);
`;
}

// The file a same-origin URL in page `rel` points to, or null.
function localTarget(out, pageRel, url) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//')) return null;
  const clean = url.split(/[?#]/)[0];
  if (clean === '') return null;
  const target = clean.startsWith('/')
    ? path.posix.normalize(clean.slice(1))
    : path.posix.normalize(path.posix.join(path.posix.dirname(pageRel), clean));
  if (target.startsWith('..')) return null;
  const p = path.join(out, ...target.split('/'));
  return fs.existsSync(p) && fs.statSync(p).isFile() ? p : null;
}

function attr(tag, name) {
  const m = tag.match(new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i'));
  return m ? (m[2] ?? m[3] ?? m[4]) : null;
}

// Adds (or replaces) integrity="sha384-..." on the tags that load a local file.
function addIntegrity(out, pageRel) {
  const page = path.join(out, ...pageRel.split('/'));
  const html = fs.readFileSync(page, 'utf8');
  let count = 0;
  const result = html.replace(/<(script|link)\b[^>]*>/gi, (tag, name) => {
    let url;
    if (name.toLowerCase() === 'script') {
      url = attr(tag, 'src');
    } else {
      const rel = (attr(tag, 'rel') || '').toLowerCase().split(/\s+/);
      if (rel.includes('modulepreload') || rel.includes('stylesheet')) url = attr(tag, 'href');
    }
    const file = url ? localTarget(out, pageRel, url) : null;
    if (!file) {
      if (url && !/^[a-z][a-z0-9+.-]*:|^\/\//i.test(url)) process.stderr.write(`build.mjs: warning: ${pageRel}: ${url} not found, no integrity\n`);
      return tag;
    }
    count++;
    const value = `integrity="${sri(fs.readFileSync(file))}"`;
    const stripped = tag.replace(/\sintegrity\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/i, '');
    return stripped.replace(/\s*(\/?)>$/, ` ${value}$1>`);
  });
  fs.writeFileSync(page, result);
  return count;
}

// Brotli at quality 11 takes about a second for libsodium alone: large
// results are kept by content hash in node_modules/.cache (same bytes in,
// same bytes out, so the output stays deterministic).
const CACHE = path.join(WEB, 'node_modules', '.cache', 'abri-build');
const CACHE_MIN = 32768;

function brotli(data, isWasm) {
  const key = data.length >= CACHE_MIN ? path.join(CACHE, `${createHash('sha256').update(data).digest('hex')}.br`) : null;
  if (key && fs.existsSync(key)) return fs.readFileSync(key);
  const br = zlib.brotliCompressSync(data, {
    params: {
      [zlib.constants.BROTLI_PARAM_MODE]: isWasm ? zlib.constants.BROTLI_MODE_GENERIC : zlib.constants.BROTLI_MODE_TEXT,
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  });
  if (key) {
    try {
      fs.mkdirSync(CACHE, { recursive: true });
      fs.writeFileSync(`${key}.tmp-${process.pid}`, br);
      fs.renameSync(`${key}.tmp-${process.pid}`, key);
    } catch {
      // only a cache
    }
  }
  return br;
}

function compress(out, rel) {
  const p = path.join(out, ...rel.split('/'));
  const data = fs.readFileSync(p);
  const gz = zlib.gzipSync(data, { level: 9 });
  const br = brotli(data, ext(rel) === 'wasm');
  if (gz.length < data.length) fs.writeFileSync(`${p}.gz`, gz);
  if (br.length < data.length) fs.writeFileSync(`${p}.br`, br);
  return [data.length, Math.min(gz.length, data.length), Math.min(br.length, data.length)];
}

// `out` may be replaced only if it is one of our builds (or absent or empty).
function checkReplaceable(out) {
  if (!fs.existsSync(out)) return;
  const owned = fs.statSync(out).isDirectory() && (fs.existsSync(path.join(out, MARKER)) || fs.readdirSync(out).length === 0);
  if (!owned) die(`${out} exists and is not a web build: refusing to replace it`);
}

function replaceDir(tmp, out) {
  if (fs.existsSync(out)) {
    const old = `${out}.old-${process.pid}`;
    fs.renameSync(out, old);
    fs.renameSync(tmp, out);
    fs.rmSync(old, { recursive: true, force: true });
  } else {
    fs.renameSync(tmp, out);
  }
}

function main() {
  const t0 = process.hrtime.bigint();
  const args = parseArgs(process.argv.slice(2));
  const dep = readDeployment(args.deployment);
  const out = path.resolve(args.out);
  checkReplaceable(out);
  const tmp = `${out}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    const files = walk(SRC);
    for (const rel of files) writeFile(tmp, rel, fs.readFileSync(path.join(SRC, ...rel.split('/'))));
    writeFile(tmp, GENERATED, deploymentModule(dep));
    const vendor = copyVendor(tmp);
    writeFile(tmp, GENERATED_SRI, sriModule(tmp, vendor));
    files.push(GENERATED, GENERATED_SRI, ...vendor);
    let tags = 0;
    for (const rel of files) if (ext(rel) === 'html') tags += addIntegrity(tmp, rel);
    let raw = 0;
    let brotli = 0;
    for (const rel of files.sort()) {
      if (!COMPRESSED.has(ext(rel))) continue;
      const [n, , b] = compress(tmp, rel);
      raw += n;
      brotli += b;
    }
    fs.writeFileSync(path.join(tmp, MARKER), 'Built by web/build.mjs; replaced as a whole by the next build.\n');
    replaceDir(tmp, out);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    process.stdout.write(
      `build.mjs: ${files.length} files into ${out} (${tags} integrity attributes; ` +
        `text ${raw} bytes, ${brotli} with brotli) in ${ms.toFixed(0)} ms\n`,
    );
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    die(e.stack || String(e));
  }
}

main();
