// web/build.mjs and its import graph (web/module-graph.mjs), in node only:
//   - the same inputs give byte-identical output (the basis for publishing
//     the bundle's hash, SECURITY.md);
//   - the scanner's static imports equal V8's own (vm.SourceTextModule) for
//     every module of the build, libsodium included, and it reads tricky
//     sources (regular expressions, templates, comments) right;
//   - the build writes every module of the first page into js/boot.js and
//     index.html, and every module loaded later into js/sri.js, each with
//     the SHA-384 of the built file, and leaves out only the KDF worker;
//   - it refuses sources in which a module could run unchecked.
// Run: node --test web/tests/build.test.mjs   (no browser, no server)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { closure, moduleImports, resolveSpecifier, tokens } from '../module-graph.mjs';

const WEB = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEPLOYMENT = { deployment_id: 'build-test', org_public_key: Buffer.alloc(32, 5).toString('base64'),
  min_list_version: 2 };

let tmp;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'abri-webbuild-'));
  fs.writeFileSync(path.join(tmp, 'dep.json'), JSON.stringify(DEPLOYMENT));
});
after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

// Runs build.mjs (at `web`, default the real one) into `out`: {status, stdout, stderr}.
function build(out, web = WEB) {
  const r = spawnSync(process.execPath, [path.join(web, 'build.mjs'), '--deployment', path.join(tmp, 'dep.json'),
    '--out', out], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function files(dir, rel = '') {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...files(dir, r));
    else out.push(r);
  }
  return out.sort();
}

const sha384 = (file) => `sha384-${createHash('sha384').update(fs.readFileSync(file)).digest('base64')}`;

test('the same inputs give byte-identical output', () => {
  const a = path.join(tmp, 'a');
  const b = path.join(tmp, 'b');
  for (const out of [a, b]) assert.equal(build(out).status, 0);
  const names = files(a);
  assert.deepEqual(files(b), names);
  assert.ok(names.includes('js/boot.js') && names.includes('js/sri.js') && names.includes('index.html.br'));
  for (const f of names) assert.ok(fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))), f);
});

// Every module of a build: its path and source.
function modulesOf(dir) {
  return files(dir).filter((f) => /\.m?js$/.test(f));
}

test('static imports: the scanner agrees with V8 on every module of the build', () => {
  const out = path.join(tmp, 'a');
  if (!fs.existsSync(out)) assert.equal(build(out).status, 0);
  const mods = modulesOf(out);
  assert.ok(mods.includes('vendor/libsodium-sumo.mjs'), 'libsodium is scanned too');
  // V8's own list, from a node started with vm modules (dependencySpecifiers).
  const v8 = JSON.parse(execFileSync(process.execPath, ['--experimental-vm-modules', '--no-warnings', '--input-type=module',
    '-e', `import vm from 'node:vm'; import fs from 'node:fs';
const out = {};
for (const f of JSON.parse(process.argv[1])) out[f] = new vm.SourceTextModule(fs.readFileSync(f, 'utf8')).dependencySpecifiers;
process.stdout.write(JSON.stringify(out));`, JSON.stringify(mods.map((f) => path.join(out, f)))],
  { encoding: 'utf8', maxBuffer: 1 << 24 }));
  for (const f of mods) {
    const ours = [...new Set(moduleImports(fs.readFileSync(path.join(out, f), 'utf8'), f).static)];
    assert.deepEqual(ours, [...new Set(v8[path.join(out, f)])], f);
  }
});

test('the scanner reads regular expressions, templates and comments right', () => {
  const src = `// import './comment.js';
/* export * from './block.js'; */
import a, { b as c } from "./a.js";
import * as ns from './ns.js';
import './side.js';
export { d } from './d.js';
export * as e from './e.js';
export { local };
const re = /'import("x")'[/"]/g;
const s = 'import("./string.js")';
const t = \`\${x.replace(/\`/g, '')} import('./tpl.js') \${\`\${y}\`}\`;
const q = (n) / 2 / m;
const meta = import.meta.url;
const dyn = await import('./dyn.js');
const comp = import(name);
const o = { import: 1 }; o.import('./prop.js');
await importChecked('./checked.js', import.meta.url);
export async function importChecked(spec) { return spec; }
`;
  const r = moduleImports(src, 'test.js');
  assert.deepEqual(r.static, ['./a.js', './ns.js', './side.js', './d.js', './e.js']);
  assert.deepEqual(r.dynamic.map((d) => d.specifier), ['./dyn.js', null]);
  assert.deepEqual(r.checked.map((d) => d.specifier), ['./checked.js']);
  assert.ok(tokens(src).some((t) => t.type === 're' && t.value === `/'import("x")'[/"]/g`));
  // What it cannot read with certainty is an error, not a guess.
  for (const bad of ['const s = "open', '/* open', 'const t = `open', 'import { a } from;', "import './a\\u002ejs';",
    'const r = /open\n/;', 'a }']) {
    assert.throws(() => moduleImports(bad, 'bad.js'), /bad\.js:\d+: /, bad);
  }
  // An escape in an import() specifier counts as computed (the build refuses it).
  assert.deepEqual(moduleImports("import('./a\\u002ejs')").dynamic.map((d) => d.specifier), [null]);
});

test('specifiers resolve inside the build only; the graph lists dependencies first', () => {
  assert.equal(resolveSpecifier('js/views/a.js', '../b.js'), 'js/b.js');
  assert.equal(resolveSpecifier('js/a.js', './c/d.js'), 'js/c/d.js');
  assert.equal(resolveSpecifier('js/a.js', '/vendor/x.mjs'), 'vendor/x.mjs');
  for (const s of ['x.js', 'libsodium-sumo', 'https://cdn.example/x.js', '../../../x.js', './a.js?v=1', './a.js#x']) {
    assert.equal(resolveSpecifier('js/a.js', s), null, s);
  }
  const g = new Map([
    ['m', { static: ['a', 'b'] }], ['a', { static: ['c'] }], ['b', { static: ['c', 'a'] }], ['c', { static: [] }],
  ]);
  assert.deepEqual(closure(g, 'm'), ['c', 'a', 'b', 'm']);
});

test('every module the page runs is under integrity; only the KDF worker is not', () => {
  const out = path.join(tmp, 'a');
  if (!fs.existsSync(out)) assert.equal(build(out).status, 0);
  const read = (f) => fs.readFileSync(path.join(out, f), 'utf8');
  // js/boot.js: the first page's modules, and index.html preloads the same.
  const boot = [...read('js/boot.js').matchAll(/^ {2}\["([^"]+)", "(sha384-[^"]+)"\],$/gm)].map((m) => [m[1], m[2]]);
  assert.ok(boot.length > 10, 'boot.js lists the modules');
  for (const [p, integrity] of boot) assert.equal(integrity, sha384(path.join(out, p)), p);
  assert.equal(boot[boot.length - 1][0], 'js/main.js', 'main.js last: it imports the others');
  const html = read('index.html');
  const links = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)" integrity="([^"]+)">/g)].map((m) => [m[1], m[2]]);
  assert.deepEqual(links, boot, 'index.html preloads what boot.js checks, with the same integrity');
  assert.equal((html.match(/<link rel="modulepreload"/g) || []).length, links.length, 'no preload without integrity');
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  assert.deepEqual(scripts, [`<script type="module" src="js/boot.js" integrity="${sha384(path.join(out, 'js/boot.js'))}">`]);
  assert.ok(html.indexOf('rel="modulepreload"') < html.indexOf('<script'), 'preloads before the script');

  // The graph seen independently: boot.js holds main.js's static closure,
  // each importChecked() target has its group in js/sri.js.
  const graph = new Map();
  const checked = new Set();
  for (const f of modulesOf(out)) {
    const r = moduleImports(read(f), f);
    graph.set(f, { static: r.static.map((s) => resolveSpecifier(f, s)) });
    for (const c of r.checked) checked.add(resolveSpecifier(f, c.specifier));
  }
  assert.deepEqual(boot.map(([p]) => p), closure(graph, 'js/main.js'));
  const sri = read('js/sri.js');
  const dynamic = sri.slice(sri.indexOf('export const DYNAMIC'));
  const groups = new Map();
  let current = null;
  for (const line of dynamic.split('\n')) {
    const head = line.match(/^ {2}"([^"]+)": Object\.freeze\(\[$/);
    const entry = line.match(/^ {4}Object\.freeze\(\{ path: "([^"]+)", integrity: "([^"]+)" \}\),$/);
    if (head) groups.set((current = head[1]), []);
    else if (entry) {
      assert.equal(entry[2], sha384(path.join(out, entry[1])), entry[1]);
      groups.get(current).push(entry[1]);
    }
  }
  assert.deepEqual([...groups.keys()], [...checked].sort(), 'a group for each importChecked() target');
  assert.ok(groups.has('js/crypto/abri.js') && groups.has('js/deployment.js'), 'the crypto module and the pinned key');
  const loader = new Set(closure(graph, 'js/integrity.js'));
  for (const [t, list] of groups) {
    assert.deepEqual(list, closure(graph, t).filter((p) => !loader.has(p)), t);
  }
  // What is left: the worker (it cannot carry integrity, docs/web.md).
  const covered = new Set(['js/boot.js', ...boot.map(([p]) => p), ...[...groups.values()].flat()]);
  const left = modulesOf(out).filter((f) => f.startsWith('js/') && !covered.has(f));
  assert.deepEqual(left, ['js/kdf-worker.js']);
});

// A copy of web/ (build.mjs, module-graph.mjs, src; node_modules linked)
// with one source file changed by `edit`, built: the result.
function buildEdited(name, rel, edit) {
  const web = path.join(tmp, `web-${name}`);
  fs.mkdirSync(web);
  for (const f of ['build.mjs', 'module-graph.mjs']) fs.copyFileSync(path.join(WEB, f), path.join(web, f));
  fs.cpSync(path.join(WEB, 'src'), path.join(web, 'src'), { recursive: true });
  fs.symlinkSync(path.join(WEB, 'node_modules'), path.join(web, 'node_modules'));
  const file = path.join(web, 'src', ...rel.split('/'));
  fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8')));
  return build(path.join(tmp, `out-${name}`), web);
}

test('the build refuses sources in which a module could run unchecked', () => {
  const refusals = [
    ['import', 'js/views/session.js', (s) => s.replace("importChecked('../deployment.js', import.meta.url)",
      "import('../deployment.js')"), /session\.js:\d+: import\(\) carries no integrity: use importChecked/],
    ['computed', 'js/views/session.js', (s) => `${s}\nexport const later = (p) => import(p);\n`,
      /session\.js:\d+: import\(\) of a computed specifier/],
    ['checked-computed', 'js/views/session.js', (s) => `${s}\nexport const later = (p) => importChecked(p, import.meta.url);\n`,
      /session\.js:\d+: importChecked\(\) of a computed specifier/],
    ['url', 'js/views/session.js', (s) => `${s}\nexport const later = () => import('https://cdn.example/x.js');\n`,
      /session\.js:\d+: "https:\/\/cdn\.example\/x\.js": only/],
    ['bare', 'js/views/dom.js', (s) => `import 'left-pad';\n${s}`, /dom\.js: "left-pad": only/],
    ['missing', 'js/views/dom.js', (s) => `import './nowhere.js';\n${s}`, /dom\.js: imports js\/views\/nowhere\.js/],
    ['entry', 'index.html', (s) => s.replace('js/boot.js', 'js/main.js'),
      /index\.html: js\/main\.js imports modules statically, without integrity/],
    ['boot-import', 'js/boot.js', (s) => `import './i18n.js';\n${s}`, /js\/boot\.js must import nothing statically/],
    ['boot-table', 'js/boot.js', (s) => s.replace('/* filled by web/build.mjs */ [];', '[];'), /js\/boot\.js: expected/],
    ['unreadable', 'js/i18n.js', (s) => `${s}\nconst broken = 'open;\n`, /i18n\.js:\d+: unterminated string/],
  ];
  for (const [name, rel, edit, message] of refusals) {
    const r = buildEdited(name, rel, edit);
    assert.equal(r.status, 1, `${name}: refused`);
    assert.match(r.stderr, message, name);
    assert.ok(!fs.existsSync(path.join(tmp, `out-${name}`)), `${name}: no output`);
  }
  // The unchanged copy builds (so the refusals are the edits' doing).
  assert.equal(buildEdited('unchanged', 'js/main.js', (s) => s).status, 0);
});
