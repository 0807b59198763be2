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
// 4. puts every module the page runs under Subresource Integrity (sha384;
//    docs/web.md, "Integrity of every module"): reads the import graph of
//    the built modules (module-graph.mjs) and
//    - writes into DIR/js/boot.js, the page's only script, the static
//      import graph of js/main.js with each module's sha384 (boot.js
//      preloads them all with integrity and imports main.js only once all
//      are checked), and adds the same <link rel=modulepreload> to each
//      HTML page that loads boot.js, so that they are fetched at once;
//    - writes DIR/js/sri.js with the sha384 of each module the app loads
//      later through importChecked() (js/integrity.js) and of what it
//      imports, and of the vendored libsodium modules (js/vendor.js);
//    - refuses a build in which a module could run unchecked: an import()
//      of an app module outside js/integrity.js and js/boot.js, a specifier
//      it cannot read, an HTML module script with static imports;
//    then adds integrity to every same-origin <script src>,
//    <link rel=modulepreload> and <link rel=stylesheet> of the HTML pages,
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

import { closure, moduleImports, resolveSpecifier, ScanError } from './module-graph.mjs';

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
// The page's loader, where the build writes the modules of the first page
// (in place of BOOT_TABLE), and the one module that may import() a
// computed URL, after checking it (importChecked).
const BOOT = 'js/boot.js';
const BOOT_TABLE = '/* filled by web/build.mjs */ [];';
const CHECKED_LOADER = 'js/integrity.js';
const MODULE = new Set(['js', 'mjs']);

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

const fileSri = (out, rel) => sri(fs.readFileSync(path.join(out, ...rel.split('/'))));

// js/sri.js: {path relative to the site root, integrity} of
// - each vendored libsodium module, in load order (the raw library before
//   the wrappers that import it): VENDOR, for js/vendor.js;
// - for each module the app loads with importChecked(), that module and
//   those it imports statically, dependencies first: DYNAMIC, for
//   js/integrity.js.
// Paths are relative so the app works under any prefix.
function sriModule(out, vendorFiles, dynamic) {
  const mods = vendorFiles.filter((f) => ext(f) === 'mjs');
  mods.sort((a, b) => (a.endsWith('/libsodium-sumo.mjs') ? -1 : b.endsWith('/libsodium-sumo.mjs') ? 1 : 0));
  const entry = (f, indent) =>
    `${indent}Object.freeze({ path: ${JSON.stringify(f)}, integrity: ${JSON.stringify(fileSri(out, f))} }),`;
  const groups = [...dynamic].map(
    ([target, list]) =>
      `  ${JSON.stringify(target)}: Object.freeze([\n${list.map((f) => entry(f, '    ')).join('\n')}\n  ]),`,
  );
  return `// Generated by web/build.mjs from the built files: do not edit.
// Subresource Integrity of the libsodium modules (js/vendor.js uses it).
export const VENDOR = Object.freeze([
${mods.map((f) => entry(f, '  ')).join('\n')}
]);
// Subresource Integrity of the modules loaded by importChecked(), each with
// the modules it imports, dependencies first (js/integrity.js uses it).
export const DYNAMIC = Object.freeze({
${groups.join('\n')}
});
`;
}

// The import graph of every module of the build: Map(path -> {static,
// checked, loads}), each a list of build paths. Enforces what keeps every
// module the page runs under integrity (docs/web.md): static imports and
// importChecked() name files of the build by literal specifiers; an
// import() names a vendored libsodium file (js/vendor.js preloads them
// first), a node: module (node-only code), or an app module from BOOT only
// (its "loads": the app); a computed import() only in CHECKED_LOADER.
// js/sri.js is generated afterwards, without imports.
function moduleGraph(out, files, vendorFiles) {
  const vendor = new Set(vendorFiles);
  const graph = new Map([[GENERATED_SRI, { static: [], checked: [], loads: [] }]]);
  for (const rel of files) {
    if (!MODULE.has(ext(rel)) || rel === GENERATED_SRI) continue;
    let found;
    try {
      found = moduleImports(fs.readFileSync(path.join(out, ...rel.split('/')), 'utf8'), rel);
    } catch (e) {
      if (e instanceof ScanError) die(e.message);
      throw e;
    }
    const at = (line) => (line ? `${rel}:${line}` : rel);
    const resolve = (spec, line) => {
      const target = resolveSpecifier(rel, spec);
      if (target === null) die(`${at(line)}: ${JSON.stringify(spec)}: only "./", "../" or "/" paths into the build`);
      return target;
    };
    const node = { static: found.static.map((spec) => resolve(spec)), checked: [], loads: [] };
    for (const { specifier, line } of found.dynamic) {
      if (specifier === null) {
        if (rel === CHECKED_LOADER) continue;
        die(`${at(line)}: import() of a computed specifier: the build must see what the page loads`);
      }
      if (specifier.startsWith('node:')) continue; // node-only code (js/vendor.js in the tests)
      const target = resolve(specifier, line);
      if (vendor.has(target)) continue;
      if (rel === BOOT) {
        node.loads.push(target);
      } else {
        const call = `importChecked(${JSON.stringify(specifier)}, import.meta.url)`;
        die(`${at(line)}: import() carries no integrity: use ${call} (js/integrity.js)`);
      }
    }
    for (const { specifier, line } of found.checked) {
      if (specifier === null) {
        die(`${at(line)}: importChecked() of a computed specifier: the build must see what it loads`);
      }
      node.checked.push(resolve(specifier, line));
    }
    graph.set(rel, node);
  }
  for (const [rel, node] of graph) {
    for (const t of [...node.static, ...node.checked, ...node.loads]) {
      if (!graph.has(t)) die(`${rel}: imports ${t}, which is not a module of the build`);
    }
  }
  return graph;
}

// For each importChecked() target, sorted: the modules to preload before
// importing it, dependencies first; what CHECKED_LOADER itself imports is
// left out (it is loaded, and checked, before any importChecked() runs).
function dynamicGroups(graph) {
  const targets = [...new Set([...graph.values()].flatMap((n) => n.checked))].sort();
  const groups = new Map();
  if (targets.length === 0) return groups;
  if (!graph.has(CHECKED_LOADER)) die(`importChecked() is used but ${CHECKED_LOADER} is missing`);
  const loaded = new Set(closure(graph, CHECKED_LOADER));
  for (const t of targets) {
    const list = closure(graph, t).filter((p) => !loaded.has(p));
    if (list.includes(BOOT)) die(`${t} imports ${BOOT}`);
    groups.set(t, list);
  }
  return groups;
}

// Writes the modules of the first page into BOOT: the static import graph
// of the one module it imports, each with its integrity, dependencies
// first. Returns that list (the HTML preloads it too), or null if the
// build has no BOOT.
function fillBoot(out, graph) {
  const node = graph.get(BOOT);
  if (!node) return null;
  if (node.static.length > 0) die(`${BOOT} must import nothing statically: an import carries no integrity`);
  if (node.loads.length !== 1) die(`${BOOT} must import() exactly one module, the app`);
  const modules = closure(graph, node.loads[0]);
  if (modules.includes(BOOT)) die(`${node.loads[0]} imports ${BOOT}`);
  const file = path.join(out, ...BOOT.split('/'));
  const text = fs.readFileSync(file, 'utf8');
  if (text.split(BOOT_TABLE).length !== 2) die(`${BOOT}: expected ${BOOT_TABLE} once`);
  const rows = modules.map((p) => `  [${JSON.stringify(p)}, ${JSON.stringify(fileSri(out, p))}],`);
  fs.writeFileSync(file, text.replace(BOOT_TABLE, () => `[\n${rows.join('\n')}\n];`));
  return modules;
}

// The build path a same-origin URL in page `pageRel` names, or null.
function localPath(pageRel, url) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//')) return null;
  const clean = url.split(/[?#]/)[0];
  if (clean === '') return null;
  const target = clean.startsWith('/')
    ? path.posix.normalize(clean.slice(1))
    : path.posix.normalize(path.posix.join(path.posix.dirname(pageRel), clean));
  return target.startsWith('..') ? null : target;
}

// The file a same-origin URL in page `pageRel` points to, or null.
function localTarget(out, pageRel, url) {
  const target = localPath(pageRel, url);
  if (target === null) return null;
  const p = path.join(out, ...target.split('/'));
  return fs.existsSync(p) && fs.statSync(p).isFile() ? p : null;
}

function attr(tag, name) {
  const m = tag.match(new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i'));
  return m ? (m[2] ?? m[3] ?? m[4]) : null;
}

// Before each <script type=module src> of page `pageRel`: such a script
// must have no static import (it would load without integrity); before the
// loader (BOOT), a <link rel=modulepreload> for each module it preloads, so
// that the page fetches them while it is parsed (addIntegrity then gives
// them the same integrity as BOOT's table: a module already in the module
// map is not checked again). Returns the number of links added.
function addModulePreloads(out, pageRel, graph, bootModules) {
  const page = path.join(out, ...pageRel.split('/'));
  const html = fs.readFileSync(page, 'utf8');
  let links = 0;
  const result = html.replace(/<script\b[^>]*>/gi, (tag) => {
    if ((attr(tag, 'type') || '').toLowerCase() !== 'module') return tag;
    const src = attr(tag, 'src');
    const target = src === null ? null : localPath(pageRel, src);
    if (target === null || !graph.has(target)) die(`${pageRel}: module script ${src} is not a module of the build`);
    if (graph.get(target).static.length > 0) {
      die(`${pageRel}: ${src} imports modules statically, without integrity: load the app through ${BOOT}`);
    }
    if (target !== BOOT || bootModules === null) return tag;
    const dir = path.posix.dirname(pageRel);
    links += bootModules.length;
    return bootModules.map((p) => `<link rel="modulepreload" href="${path.posix.relative(dir, p)}">\n`).join('') + tag;
  });
  fs.writeFileSync(page, result);
  return links;
}

// Adds (or replaces) integrity="sha384-..." on the tags that load a local
// file; a script or module preload whose file is missing stops the build.
function addIntegrity(out, pageRel) {
  const page = path.join(out, ...pageRel.split('/'));
  const html = fs.readFileSync(page, 'utf8');
  let count = 0;
  const result = html.replace(/<(script|link)\b[^>]*>/gi, (tag, name) => {
    let url;
    let code = false;
    if (name.toLowerCase() === 'script') {
      url = attr(tag, 'src');
      code = true;
    } else {
      const rel = (attr(tag, 'rel') || '').toLowerCase().split(/\s+/);
      if (rel.includes('modulepreload') || rel.includes('stylesheet')) url = attr(tag, 'href');
      code = rel.includes('modulepreload');
    }
    const file = url ? localTarget(out, pageRel, url) : null;
    if (!file) {
      if (url && !/^[a-z][a-z0-9+.-]*:|^\/\//i.test(url)) {
        if (code) die(`${pageRel}: ${url} not found`);
        process.stderr.write(`build.mjs: warning: ${pageRel}: ${url} not found, no integrity\n`);
      }
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
    const graph = moduleGraph(tmp, [...files, GENERATED, ...vendor], vendor);
    const dynamic = dynamicGroups(graph);
    writeFile(tmp, GENERATED_SRI, sriModule(tmp, vendor, dynamic));
    const bootModules = fillBoot(tmp, graph);
    files.push(GENERATED, GENERATED_SRI, ...vendor);
    let tags = 0;
    let preloads = 0;
    for (const rel of files) {
      if (ext(rel) !== 'html') continue;
      preloads += addModulePreloads(tmp, rel, graph, bootModules);
      tags += addIntegrity(tmp, rel);
    }
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
      `build.mjs: ${files.length} files into ${out} (${tags} integrity attributes, ${preloads} module ` +
        `preloads, ${dynamic.size} modules loaded later; ` +
        `text ${raw} bytes, ${brotli} with brotli) in ${ms.toFixed(0)} ms\n`,
    );
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    die(e.stack || String(e));
  }
}

main();
