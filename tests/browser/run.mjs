// The browser suite (CI: after `npm run build`). Packs tiedformer, installs the tarball into a
// fresh app (tests/browser/page), bundles it with esbuild and with Vite, serves each bundle on
// 127.0.0.1 with and without COOP/COEP, and drives Debian's Chromium (puppeteer-core, no
// browser download) through cpu, wasm simd, wasm threaded-simd, webgl and webgpu (both on
// SwiftShader). Each run trains 5 Adam steps from one seed; the suite checks that the losses
// equal Node's cpu run (1e-4), that no step makes a synchronous read on a GPU backend, that
// numTensors stays flat, that a bad token id raises or gives NaN, and that an IndexedDB
// save/load keeps the tie. Prints the table and writes it as JSON (--out FILE).
//   node tests/browser/run.mjs [--out bench/results/browser.json] [--only esbuild]
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  createReadStream,
  existsSync,
  mkdtempSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { launchChromium } from '../../scripts/launch-chromium.mjs';
import { bundlers, makeApp, pack, root } from './bundle.mjs';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const TOLERANCE = 1e-4;
const started = Date.now();
const log = (...a) => console.log(`[${((Date.now() - started) / 1000).toFixed(0)}s]`, ...a);

const work = mkdtempSync(join(tmpdir(), 'tiedformer-browser-'));
const app = makeApp(work, join(root, 'tests/browser/page'), pack(work), [
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-webgpu',
]);
log('app installed in', app);

// The reference: the same scenario in Node on the cpu backend, from the same tarball.
const reference = JSON.parse(
  execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import * as tf from '@tensorflow/tfjs';
import * as lib from 'tiedformer';
import { runScenario } from './scenario.js';
await tf.setBackend('cpu');
const r = await runScenario(tf, lib);
process.stdout.write(JSON.stringify(r));`,
    ],
    { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  ),
);
log('Node cpu losses', reference.losses.map((l) => l.toFixed(6)).join(' '));

// Vite 8's default minifier (oxc) breaks tfjs' threaded wasm: tfjs rebuilds the pthread
// worker from `wasmFactoryThreadedSimd.toString()`, and the minified function refers to a
// renamed outer variable ("e is not defined" in the worker, and the page waits forever).
// Vite 6/7 minify with esbuild and work. The workaround, documented in the README: Vite 8 with
// `build: { minify: 'esbuild' }` (needs the esbuild package). The suite builds Vite 8 that way.
const VITE8_BUILD = { minify: 'esbuild' };
const builds = {};
for (const name of (option('only') ?? 'esbuild,vite8').split(',')) {
  const out = join(app, `out-${name}`);
  await bundlers[name](
    app,
    name.startsWith('vite') ? 'index.html' : './main.js',
    out,
    name === 'vite8' ? VITE8_BUILD : {},
  );
  if (!name.startsWith('vite')) cpSync(join(app, 'index.html'), join(out, 'index.html'));
  builds[name] = out;
  log('bundled with', name);
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
function serve(dir, isolated) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const file = url.pathname.startsWith('/wasm/')
      ? join(app, 'node_modules/@tensorflow/tfjs-backend-wasm/dist', url.pathname.slice(6))
      : join(dir, url.pathname === '/' ? 'index.html' : url.pathname);
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    const headers = { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' };
    if (isolated) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    }
    res.writeHead(200, headers);
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port })),
  );
}

const browser = await launchChromium('tiedformer-chromium-', { webgpu: true });

const cases = [
  { backend: 'cpu', isolated: false, label: 'cpu' },
  { backend: 'wasm', isolated: false, label: 'wasm simd' },
  { backend: 'wasm', isolated: true, label: 'wasm threaded-simd' },
  { backend: 'webgl', isolated: false, label: 'webgl (SwiftShader)' },
  { backend: 'webgpu', isolated: false, label: 'webgpu (SwiftShader)' },
  // Only the choice: the chosen backend's training already ran above.
  { backend: 'auto', isolated: false, label: 'useFastestBackend', train: false },
];
// The second bundler repeats what its build can change: wasm threads (its minifier), a GPU
// backend and the backend choice. Every case runs on the first.
const SECOND = ['wasm threaded-simd', 'webgl (SwiftShader)', 'useFastestBackend'];
const only = option('cases')?.split(',');
if (only) cases.splice(0, cases.length, ...cases.filter((c) => only.includes(c.label)));
const rows = [];
const failures = [];
for (const [bundler, dir] of Object.entries(builds)) {
  const servers = { false: await serve(dir, false), true: await serve(dir, true) };
  const first = bundler === Object.keys(builds)[0];
  for (const c of cases.filter((k) => first || SECOND.includes(k.label))) {
    const page = await browser.newPage();
    const consoleLines = [];
    page.on('console', (m) => consoleLines.push(m.text()));
    page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
    const url = `http://127.0.0.1:${servers[c.isolated].port}/?backend=${c.backend}${c.train === false ? '&run=0' : ''}`;
    let result;
    const t0 = Date.now();
    try {
      await page.goto(url);
      await page.waitForFunction('window.__result !== undefined', { timeout: 120_000 });
      result = await page.evaluate('window.__result');
    } catch (error) {
      result = {
        error: `no result: ${error.message}; console: ${consoleLines.slice(-5).join(' | ')}`,
      };
    }
    await page.close();
    const row = { bundler, ...c, seconds: (Date.now() - t0) / 1000, ...result };
    rows.push(row);
    const name = `${bundler} ${c.label}`;
    const fail = (why) => failures.push(`${name}: ${why}`);
    if (result.error) {
      fail(result.error.split('\n').slice(0, 3).join(' '));
    } else if (c.train === false) {
      if (!['webgpu', 'webgl'].includes(result.chosen))
        fail(`useFastestBackend chose ${result.chosen} with a working GPU backend`);
    } else {
      const diffs = result.losses.map((l, i) => Math.abs(l - reference.losses[i]));
      row.maxLossDiff = Math.max(...diffs);
      if (!(row.maxLossDiff <= TOLERANCE))
        fail(`losses differ from Node cpu by ${row.maxLossDiff}`);
      const gpu = result.active === 'webgl' || result.active === 'webgpu';
      if (gpu && result.readsPerStep.some((n) => n > 0))
        fail(`synchronous reads per step ${result.readsPerStep}`);
      if (new Set(result.numTensors.slice(1)).size !== 1)
        fail(`numTensors not flat: ${result.numTensors}`);
      const caught = gpu
        ? result.badId.loss === 'NaN'
        : /token id 64 is outside/.test(result.badId.error ?? '');
      if (!caught) fail(`bad token id gave ${JSON.stringify(result.badId)}`);
      if (!(result.cache?.maxDiff <= 1e-5 && result.cache.neighbourDiff > 1e-3))
        fail(`KV-cached logits vs the full pass: ${JSON.stringify(result.cache)}`);
      if (!(result.saved?.tied && result.saved.maxDiff === 0))
        fail(`IndexedDB round trip: ${JSON.stringify(result.saved)}`);
      // WASM_HAS_MULTITHREAD_SUPPORT true = tfjs loaded the threaded-simd binary and its workers.
      if (c.isolated && result.active === 'wasm' && !result.multithread)
        fail('cross-origin isolated wasm did not load the threaded-simd build');
      if (!c.isolated && result.active === 'wasm' && result.multithread)
        fail('wasm ran threaded without cross-origin isolation');
    }
    const ms = result.msPerStep ? median(result.msPerStep.slice(1)).toFixed(0) : '-';
    log(
      `${name.padEnd(34)} active=${result.active ?? '-'} mt=${result.multithread ?? '-'} threads=${result.threads ?? '-'} ` +
        `maxDiff=${row.maxLossDiff?.toExponential(1) ?? '-'} ms/step=${ms} ` +
        `readSync/step=${result.readsPerStep?.join(',') ?? '-'} tensors=${result.numTensors?.join(',') ?? '-'} ` +
        `badId=${result.badId ? JSON.stringify(result.badId).slice(0, 60) : '-'} tie=${result.saved?.tied ?? '-'} cacheDiff=${result.cache?.maxDiff?.toExponential(1) ?? '-'}`,
    );
  }
  for (const { server } of Object.values(servers)) server.close();
}
await browser.close();

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}
const out = option('out');
if (out)
  writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), reference, rows }, null, 2)}\n`,
  );
log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
if (failures.length) {
  console.error(`\nbrowser suite FAILED:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log('browser suite ok');
