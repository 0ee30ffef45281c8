// Weight of the browser entries (run after `npm run build`). Regime of every figure: esbuild (the
// devDependency, 0.27), every export of the entry used, minified, platform browser, ESM;
// 1 KB = 1000 bytes.
// - `tiedformer/analysis` (no tfjs): the entry bundled alone. Target and limit 60 KB (issue #15).
// - the root, and `tiedformer/interop`: what the entry ADDS to an app that already has tfjs
//   (issue #15's wording), i.e. the bundle of `import * as tf from '@tensorflow/tfjs'` plus the
//   entry, minus the bundle of tfjs alone. Root target and limit 80 KB. Also printed: the entry
//   bundled with @tensorflow/* external, by package; that figure is a few KB larger because
//   esbuild keeps one `import` statement of the external tfjs per source module (49 in the root),
//   which disappear once tfjs is in the bundle.
// `before` is each figure on 2026-12-01 before issue #15's budget work (a1b5d3f: the root then
// re-exported analysis and interop; tiedformer/interop did not exist).
// `--no-fail` reports without failing.
//   node scripts/bundle-budget.mjs [--json FILE] [--no-fail]
import { writeFileSync } from 'node:fs';
import * as esbuild from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const KB = 1000;
const budgets = [
  {
    entry: 'tiedformer/analysis',
    files: ['./dist/analysis.js'],
    alone: true,
    target: 60 * KB,
    limit: 60 * KB,
    before: 89_775,
  },
  {
    entry: 'root',
    files: ['./dist/index.js'],
    target: 80 * KB,
    limit: 80 * KB,
    before: 231_409,
  },
  {
    // Includes the layers it converts (shared with the root) and @huggingface/tokenizers (37 KB).
    entry: 'tiedformer/interop',
    files: ['./dist/interop.js'],
    limit: 125 * KB,
  },
  {
    entry: 'root + tiedformer/interop',
    files: ['./dist/index.js', './dist/interop.js'],
    limit: 160 * KB,
    before: 231_409,
  },
];
const args = process.argv.slice(2);
const results = [];
let over = false;
const kb = (bytes) => `${(bytes / KB).toFixed(1)} KB`;
const bundle = (contents, external = []) =>
  esbuild.build({
    stdin: { contents, resolveDir: root },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    external,
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
const size = (result) => Object.values(result.metafile.outputs)[0].bytes;
const uses = (files) =>
  files.map((f, i) => `import * as e${i} from '${f}';`).join('\n') +
  `\nconsole.log(${files.map((_, i) => `e${i}`).join(', ')});`;
const tfjsApp = "import * as tf from '@tensorflow/tfjs';\nconsole.log(tf);";
const tfjsAlone = size(await bundle(tfjsApp));
console.log(`an app with all of @tensorflow/tfjs: ${kb(tfjsAlone)} minified`);
for (const { entry, files, alone, target, limit, before } of budgets) {
  // The external build gives the breakdown by package; the budget figure is the added weight.
  const external = await bundle(uses(files), ['@tensorflow/*']);
  const bytes = alone
    ? size(external)
    : size(await bundle(`${tfjsApp}\n${uses(files)}`)) - tfjsAlone;
  const byPackage = {};
  for (const [path, { bytesInOutput }] of Object.entries(
    Object.values(external.metafile.outputs)[0].inputs,
  )) {
    const name = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? 'tiedformer';
    byPackage[name] = (byPackage[name] ?? 0) + bytesInOutput;
  }
  const top = Object.entries(byPackage).sort((a, b) => b[1] - a[1]);
  const ok = bytes <= limit;
  over ||= !ok;
  const met = target === undefined ? undefined : bytes <= target;
  const what = alone ? 'minified' : 'added to the tfjs app';
  results.push({
    entry,
    files,
    measure: alone ? 'bundled alone' : 'added to an app with all of @tensorflow/tfjs',
    bytes,
    tfjsExternalBytes: alone ? undefined : size(external),
    before,
    target,
    limit,
    ok,
    met,
    byPackage,
  });
  console.log(
    `${entry}: ${before === undefined ? '' : `${kb(before)} before -> `}${kb(bytes)} ${what}; ` +
      `limit ${limit / KB} KB ${ok ? 'ok' : 'EXCEEDED'}` +
      (target === undefined ? '' : `; target ${target / KB} KB ${met ? 'met' : 'not met'}`) +
      (alone ? '' : ` (bundled with tfjs external: ${kb(size(external))})`),
  );
  for (const [name, b] of top.slice(0, 8))
    console.log(`  ${(b / KB).toFixed(1).padStart(6)} KB  ${name}`);
}
const rootOnly = results.find((r) => r.entry === 'root');
const withInterop = results.find((r) => r.entry === 'root + tiedformer/interop');
console.log(
  `tiedformer/interop adds ${kb(withInterop.bytes - rootOnly.bytes)} to an app that uses the root`,
);
const json = args.indexOf('--json');
if (json >= 0) {
  const regime =
    'esbuild 0.27, every export of the entry used, minify, platform browser, ESM; analysis bundled alone; root and interop: the bytes they add to an app importing all of @tensorflow/tfjs; 1 KB = 1000 bytes';
  writeFileSync(args[json + 1], `${JSON.stringify({ regime, results }, null, 2)}\n`);
}
if (over && !args.includes('--no-fail')) process.exit(1);
