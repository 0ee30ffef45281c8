// Serves the browser example: bundles examples/browser/main.ts (tiedformer from src/, tfjs from
// node_modules) with esbuild and serves this folder on http://127.0.0.1:8080 with COOP/COEP
// headers (so wasm could use threads).
//   npm run example:browser                      serve until Ctrl-C
//   npm run example:browser -- --check [--steps 60] [--screenshot FILE]
//     load it in headless Debian Chromium (puppeteer-core), wait for training to finish,
//     require that the loss fell, save a screenshot, exit (CI does this).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import * as esbuild from 'esbuild';
import { launchChromium } from '../../scripts/launch-chromium.mjs';

const here = new URL('.', import.meta.url).pathname;
const root = join(here, '../..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const check = args.includes('--check');

const built = await esbuild.build({
  entryPoints: [join(here, 'main.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  minify: true,
  write: false,
  outfile: 'main.js',
  alias: { tiedformer: join(root, 'src/index.ts') },
  logLevel: 'warning',
});
const bundle = built.outputFiles[0].contents;

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.txt': 'text/plain; charset=utf-8',
};
const server = createServer((req, res) => {
  const path = new URL(req.url, 'http://127.0.0.1').pathname;
  const headers = {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
  };
  if (path === '/main.js') {
    res.writeHead(200, { ...headers, 'Content-Type': TYPES['.js'] }).end(bundle);
    return;
  }
  const file = join(here, path === '/' ? 'index.html' : path);
  if (
    !file.startsWith(here) ||
    !existsSync(file) ||
    !statSync(file).isFile() ||
    file.endsWith('.ts')
  ) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, {
    ...headers,
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
  });
  createReadStream(file).pipe(res);
});
const port = Number(option('port', check ? 0 : 8080));
await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

if (!check) {
  console.log(`browser example on ${url} (Ctrl-C to stop)`);
} else {
  const steps = Number(option('steps', 60));
  const browser = await launchChromium('tiedformer-example-');
  let failure;
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 800 });
    await page.goto(`${url}?steps=${steps}&sampleEvery=${Math.max(1, Math.floor(steps / 2))}`);
    await page.waitForFunction('window.__example?.done || window.__example?.error', {
      timeout: 600_000,
    });
    const result = await page.evaluate('window.__example');
    const screenshot = option('screenshot');
    if (screenshot) await page.screenshot({ path: screenshot });
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = mean(result.losses.slice(0, 5));
    const last = mean(result.losses.slice(-5));
    console.log(
      `backend ${result.backend}: loss ${first.toFixed(3)} -> ${last.toFixed(3)} nats over ${result.losses.length} steps`,
    );
    console.log(`last sample: ${JSON.stringify(result.samples.at(-1))}`);
    if (screenshot) console.log(`screenshot: ${screenshot}`);
    if (result.error) failure = result.error;
    else if (!(last < first - 0.5))
      failure = `the loss did not fall by 0.5 nats (${first} -> ${last})`;
  } finally {
    await browser.close();
    server.close();
  }
  if (failure) {
    console.error(`browser example FAILED: ${failure}`);
    process.exit(1);
  }
  console.log('browser example ok');
}
