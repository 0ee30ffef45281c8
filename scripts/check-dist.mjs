// Checks the built package (run after `npm run build`):
// 1. `sideEffects` in package.json is exact: a dist file matches it iff it registers a class
//    with tfjs (the only top-level side effect our modules have). A file that registers but is
//    not listed would let a bundler drop layer registration (loading a saved model then fails
//    with "Unknown layer"); a pure file that is listed keeps dead code (and its @stdlib
//    imports) in every app.
// 2. One copy of each class per format: no class is defined in two dist files of one format,
//    so `instanceof` holds across entries (root, tiedformer/node).
// 3. Behaviour, in a fresh Node process per format (ESM and CJS each load their own tfjs): a
//    model made from the root saves through tiedformer/node's fileSystem handler, loads back
//    as the root's classes, and verifyTie sees the tie in both; the same model converted by
//    tiedformer/interop (toHuggingFace → fromHuggingFace) comes back as the root's classes, tied.
// 4. THIRD_PARTY_NOTICES.md (shipped) is current: it lists every third-party package bundled into
//    dist/ (the @stdlib special functions) with its licence and notices.
// 5. The root entry imports no @stdlib code and no @huggingface/tokenizers (they belong to
//    tiedformer/analysis and tiedformer/interop).
// 6. tiedformer/analysis as shipped (ESM and CJS, @stdlib bundled through scripts/stdlib-slim.ts)
//    returns bit-identical results to src/analysis bundled with the unmodified @stdlib packages,
//    on calls that go through lnΓ, erfc and erf⁻¹.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { thirdPartyNotices } from './third-party-notices.mjs';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const REGISTRATION = /\bserialization\.registerClass\(/;
const failures = [];

const globs = pkg.sideEffects.map(
  (g) =>
    new RegExp(
      `^${g
        .replace(/^\.\//, '')
        .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')}$`,
    ),
);
const files = readdirSync(dist).filter((f) => /\.c?js$/.test(f));
console.log('file                              registers  listed in sideEffects');
for (const file of files) {
  const registers = REGISTRATION.test(readFileSync(join(dist, file), 'utf8'));
  const listed = globs.some((g) => g.test(`dist/${file}`));
  console.log(`${file.padEnd(34)}${String(registers).padEnd(11)}${listed}`);
  if (registers && !listed) failures.push(`${file} registers classes but sideEffects omits it`);
  if (!registers && listed) failures.push(`${file} is pure but sideEffects lists it`);
}

for (const ext of ['.js', '.cjs']) {
  const definedIn = new Map();
  for (const file of files.filter(
    (f) => f.endsWith(ext) && !(ext === '.js' && f.endsWith('.cjs')),
  )) {
    for (const [, a, b] of readFileSync(join(dist, file), 'utf8').matchAll(
      /^(?:var|let|const) (\w+) = (?:\(\w+ = )?class\b|^class (\w+)/gm,
    )) {
      const name = a ?? b;
      definedIn.set(name, [...(definedIn.get(name) ?? []), file]);
    }
  }
  for (const [name, where] of definedIn) {
    if (where.length > 1) failures.push(`class ${name} is defined in ${where.join(', ')} (${ext})`);
  }
  console.log(
    `${ext}: ${definedIn.size} classes, each defined once: ${[...definedIn.values()].every((w) => w.length === 1)}`,
  );
}

const scenario = (load) => `
${load}
const dir = require('node:os').tmpdir() + '/tiedformer-check-dist-' + process.pid;
const model = root.createCausalLM({ vocabSize: 50, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, head: 'tied', activation: 'swiglu' });
if (!root.verifyTie(model).tied) throw new Error('verifyTie: model from the root is not tied');
(async () => {
  await model.save(node.fileSystem(dir));
  const loaded = await tf.loadLayersModel(node.fileSystem(dir));
  if (!loaded.layers.some((l) => l instanceof root.TokenEmbedding)) throw new Error('loaded layers are not the root\\'s TokenEmbedding');
  const report = root.verifyTie(loaded);
  if (!report.tied) throw new Error('verifyTie after a tiedformer/node round trip: ' + report.reason);
  require('node:fs').rmSync(dir, { recursive: true, force: true });
  const converted = interop.fromHuggingFace(await interop.toHuggingFace(model));
  if (!converted.layers.some((l) => l instanceof root.TokenEmbedding)) throw new Error('tiedformer/interop model layers are not the root\\'s TokenEmbedding');
  const convertedReport = root.verifyTie(converted);
  if (!convertedReport.tied) throw new Error('verifyTie after a tiedformer/interop round trip: ' + convertedReport.reason);
  console.log('ok: root model -> tiedformer/node save/load and tiedformer/interop conversion -> verifyTie tied');
})().catch((e) => { console.error(e); process.exit(1); });
`;
const runs = {
  esm: [
    '--input-type=module',
    '-e',
    scenario(`import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const tf = await import('@tensorflow/tfjs');
const root = await import('tiedformer');
const node = await import('tiedformer/node');
const interop = await import('tiedformer/interop');`),
  ],
  cjs: [
    '-e',
    scenario(`const tf = require('@tensorflow/tfjs');
const root = require('tiedformer');
const node = require('tiedformer/node');
const interop = require('tiedformer/interop');`),
  ],
};
for (const [format, args] of Object.entries(runs)) {
  try {
    // Package self-reference: `tiedformer` resolves to this package's exports map.
    const out = execFileSync(process.execPath, args, {
      cwd: root,
      encoding: 'utf8',
      stdio: 'pipe',
    });
    console.log(`${format}: ${out.trim().split('\n').pop()}`);
  } catch (error) {
    failures.push(`${format}: ${error.stderr || error.message}`);
  }
}

// Calls through every special function: chiMean (lnΓ), the frozen regime (erf⁻¹ via the normal
// quantile, lnΓ(1 − 1/β)), GELU moments (erfc via Φ), a whole model.
const analysisCalls = [
  (m) => m.estimateInitialLoss({ vocabSize: 50257, hiddenSize: 768, std: 0.02, head: 'tied' }),
  (m) => m.estimateInitialLoss({ vocabSize: 256000, hiddenSize: 4096, std: 0.3, head: 'untied' }),
  (m) =>
    m.estimateInitialLoss({
      vocabSize: 1000,
      hiddenSize: 64,
      std: 1.5,
      head: 'shuffled',
      shuffle: 'swap-halves',
      norm: 'layernorm',
    }),
  (m) =>
    m.estimateCausalLMInitialLoss(
      {
        vocabSize: 32000,
        hiddenSize: 512,
        numLayers: 4,
        numHeads: 8,
        intermediateSize: 2048,
        head: 'tied',
        activation: 'gelu',
        positionEmbedding: 'learned',
        maxPositions: 64,
      },
      { sequenceLength: 64 },
    ),
  (m) =>
    m.initialLossByHead(
      {
        vocabSize: 8192,
        hiddenSize: 256,
        numLayers: 2,
        numHeads: 4,
        intermediateSize: 1024,
        activation: 'swiglu',
      },
      { sequenceLength: 16 },
    ),
];
const unslimmedDir = mkdtempSync(join(tmpdir(), 'tiedformer-check-dist-'));
try {
  const built = await esbuild.build({
    entryPoints: [join(root, 'src/analysis/index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'silent',
  });
  writeFileSync(join(unslimmedDir, 'analysis.mjs'), built.outputFiles[0].text);
  const reference = await import(join(unslimmedDir, 'analysis.mjs'));
  const shipped = {
    esm: await import(join(dist, 'analysis.js')),
    cjs: createRequire(import.meta.url)(join(dist, 'analysis.cjs')),
  };
  const run = (m) =>
    analysisCalls.map((call) => {
      try {
        return JSON.stringify(call(m));
      } catch (error) {
        return `throws ${error.message}`;
      }
    });
  const expected = run(reference);
  if (expected.some((r) => r.startsWith('throws')))
    failures.push(
      `analysis reference call failed: ${expected.find((r) => r.startsWith('throws'))}`,
    );
  for (const [format, m] of Object.entries(shipped)) {
    const got = run(m);
    const diff = got.findIndex((r, i) => r !== expected[i]);
    if (diff >= 0)
      failures.push(
        `tiedformer/analysis (${format}) call ${diff}: ${got[diff]} != ${expected[diff]}`,
      );
  }
  console.log(
    `tiedformer/analysis (ESM, CJS) = src with unmodified @stdlib on ${analysisCalls.length} calls`,
  );
} finally {
  rmSync(unslimmedDir, { recursive: true, force: true });
}

if (!pkg.files.includes('THIRD_PARTY_NOTICES.md'))
  failures.push('package.json files omits THIRD_PARTY_NOTICES.md');
if (readFileSync(join(root, 'THIRD_PARTY_NOTICES.md'), 'utf8') !== thirdPartyNotices())
  failures.push('THIRD_PARTY_NOTICES.md is stale: run `node scripts/third-party-notices.mjs`');
else console.log('THIRD_PARTY_NOTICES.md lists every bundled third-party package');

// The root's module graph in dist (ESM), followed from index.js through its chunk imports.
const rootGraph = new Set();
const visit = (file) => {
  if (rootGraph.has(file)) return;
  rootGraph.add(file);
  for (const [, dep] of readFileSync(join(dist, file), 'utf8').matchAll(
    /from ["']\.\/([^"']+)["']/g,
  ))
    visit(dep);
};
visit('index.js');
for (const file of rootGraph) {
  const text = readFileSync(join(dist, file), 'utf8');
  if (/@stdlib\/|@huggingface\/tokenizers/.test(text))
    failures.push(
      `${file} (reached from the root entry) holds @stdlib or @huggingface/tokenizers code`,
    );
}
console.log(
  `root entry: ${rootGraph.size} ESM files, none with @stdlib or @huggingface/tokenizers code`,
);

if (failures.length > 0) {
  console.error(`\ncheck-dist FAILED:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log('check-dist ok');
