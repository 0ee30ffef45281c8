/**
 * `npm run bench:generate`: ms per generated token of a config-B-sized tied LM (vocab 8192,
 * d 256, 4 layers, 4 heads, FFN 1024, RoPE) at context 16, 128, 512 and 1024, side by side in
 * one run: tiedformer's generate with its key/value cache, without it (`cache: false`), the
 * library's generate before the cache (bench/legacy-generate.ts), on wasm and cpu, and
 * PyTorch with a key/value cache on the same weights (bench/torch_generate.py). Greedy
 * decoding, batch 1. Cached columns time the steps after the first new token (prefill
 * excluded); uncached ones the mean over their tokens (each is a full pass anyway). Writes
 * JSON and markdown under bench/results/.
 *
 *   npm run bench:generate
 *   npm run bench:generate -- --backend wasm --contexts 16,512 --tokens 16
 *   npm run bench:generate -- --out /tmp/results
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createCausalLM, generateStream } from 'tiedformer';
import { legacyGenerate } from './legacy-generate.js';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const backends = (option('backend') ?? 'wasm,cpu').split(',');
const contexts = (option('contexts') ?? '16,128,512,1024').split(',').map(Number);
const cachedTokens = Number(option('tokens') ?? 32);
const uncachedTokens = 2; // each one is a full pass: the interval between the two is one token
const outDir = option('out') ?? 'bench/results';

const config = {
  vocabSize: 8192,
  hiddenSize: 256,
  numLayers: 4,
  numHeads: 4,
  intermediateSize: 1024,
  head: 'tied',
  seed: 1,
} as const;
const promptOf = (context: number) =>
  Array.from({ length: context }, (_, i) => (i * 37 + 11) % config.vocabSize);

/** ms per token between the first and the last yielded token, and the tokens. */
async function timeStream(model: tf.LayersModel, context: number, tokens: number, cache: boolean) {
  const times: number[] = [];
  const out: number[] = [];
  for await (const token of generateStream(model, promptOf(context), {
    maxNewTokens: tokens,
    cache,
  })) {
    times.push(performance.now());
    out.push(token);
  }
  return {
    ms: ((times.at(-1) as number) - (times[0] as number)) / (times.length - 1),
    tokens: out,
  };
}

interface Row {
  context: number;
  cached: number;
  uncached: number;
  legacy: number;
  tokens: number[];
}

const measured: Record<string, Row[]> = {};
let weightsPath = '';
for (const backend of backends) {
  await tf.setBackend(backend);
  await tf.ready();
  const model = createCausalLM(config);
  if (!weightsPath) weightsPath = exportWeights(model);
  await timeStream(model, 16, 4, true); // warm-up
  legacyGenerate(model, promptOf(16), { maxNewTokens: 1 });
  measured[backend] = [];
  for (const context of contexts) {
    const cached = await timeStream(model, context, cachedTokens, true);
    const uncached = await timeStream(model, context, uncachedTokens, false);
    const start = performance.now();
    legacyGenerate(model, promptOf(context), { maxNewTokens: 1 });
    const legacy = performance.now() - start;
    const row = {
      context,
      cached: cached.ms,
      uncached: uncached.ms,
      legacy,
      tokens: cached.tokens,
    };
    (measured[backend] as Row[]).push(row);
    console.log(
      `${backend} context ${context}: cached ${cached.ms.toFixed(2)} ms/token, uncached ${uncached.ms.toFixed(1)}, today's generate ${legacy.toFixed(1)}`,
    );
  }
  model.dispose();
}

/** Writes the weights (float32, by layer path) and the config for the PyTorch column. */
function exportWeights(model: tf.LayersModel): string {
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-generate-'));
  const weights = model.weights.map((w) => ({
    name: w.name.replace(/_\d+$/, ''),
    value: w.read(),
  }));
  const bytes = weights.reduce((n, w) => n + w.value.size * 4, 0);
  const data = new Float32Array(bytes / 4);
  let offset = 0;
  const manifest = weights.map((w) => {
    data.set(w.value.dataSync() as Float32Array, offset / 4);
    const entry = { name: w.name, shape: w.value.shape, size: w.value.size, offset };
    offset += w.value.size * 4;
    return entry;
  });
  writeFileSync(join(dir, 'weights.bin'), data);
  writeFileSync(
    join(dir, 'weights.json'),
    JSON.stringify({
      data: 'weights.bin',
      config: { ...config, rotaryBase: 10000, epsilon: 1e-6 },
      weights: manifest,
    }),
  );
  return join(dir, 'weights.json');
}

interface TorchRun {
  results: { context: number; msPerToken: number; tokens: number[] }[];
  threads: number;
  threadsSetting: string;
  torch: string;
  blas: string;
}
let torch: TorchRun | undefined;
try {
  const out = execFileSync(
    '/usr/bin/python3',
    [
      'bench/torch_generate.py',
      '--weights',
      weightsPath,
      '--contexts',
      contexts.join(','),
      '--tokens',
      String(cachedTokens),
    ],
    { encoding: 'utf8' },
  );
  torch = JSON.parse(out.trim().split('\n').at(-1) as string) as TorchRun;
} catch (error) {
  console.log(`PyTorch column skipped: ${(error as Error).message.split('\n')[0]}`);
}
if (torch && !/openblas|mkl|blis/i.test(torch.blas)) {
  throw new Error(
    `PyTorch loaded ${torch.blas}, a reference BLAS: its figures would be meaningless. Install libopenblas0-pthread.`,
  );
}

const fmt = (x: number | undefined, digits = 2) => (x === undefined ? '—' : x.toFixed(digits));
const lines: string[] = [];
const header = ['context'];
for (const b of backends)
  header.push(`${b} cached`, `${b} uncached`, `${b} today's generate`, `${b} speed-up`);
header.push('PyTorch cached', ...backends.map((b) => `${b} cached / PyTorch`));
lines.push(`| ${header.join(' | ')} |`, `|${header.map(() => ' ---: ').join('|')}|`);
contexts.forEach((context, i) => {
  const cells = [String(context)];
  for (const b of backends) {
    const r = (measured[b] as Row[])[i] as Row;
    cells.push(
      fmt(r.cached),
      fmt(r.uncached, 1),
      fmt(r.legacy, 1),
      `${fmt(r.legacy / r.cached, 1)}×`,
    );
  }
  const t = torch?.results[i]?.msPerToken;
  cells.push(
    fmt(t),
    ...backends.map((b) =>
      t === undefined ? '—' : `${fmt(((measured[b] as Row[])[i] as Row).cached / t, 1)}×`,
    ),
  );
  lines.push(`| ${cells.join(' | ')} |`);
});
const growth = backends.map((b) => {
  const rows = measured[b] as Row[];
  const first = rows[0] as Row;
  const last = rows.at(-1) as Row;
  return `${b}: cached ms/token at context ${last.context} = ${fmt(last.cached / first.cached)}× context ${first.context}`;
});
const agree = torch
  ? backends.map((b) => {
      const same = contexts.filter((_, i) => {
        const ours = ((measured[b] as Row[])[i] as Row).tokens;
        const theirs = torch?.results[i]?.tokens ?? [];
        return ours.every((t, j) => t === theirs[j]);
      }).length;
      return `${b}: greedy tokens equal PyTorch's at ${same} of ${contexts.length} contexts`;
    })
  : [];
const machine = `${os.cpus()[0]?.model ?? 'unknown cpu'}, ${os.cpus().length} cores, Node ${process.version}, tfjs ${tf.version.tfjs}`;
const torchNote = torch
  ? `PyTorch ${torch.torch} (BLAS: ${torch.blas}; ${torch.threads} ATen threads, its default)`
  : 'PyTorch: skipped';
const markdown = [
  `# Generation speed, ${new Date().toISOString().slice(0, 10)}`,
  '',
  `ms per generated token, greedy, batch 1; vocab 8192, d 256, 4 layers, 4 heads, FFN 1024, RoPE, tied. ${machine}; ${torchNote}. Cached: ${cachedTokens} new tokens, steps after the first timed. Uncached (\`cache: false\`): the second of ${uncachedTokens} tokens. Today's generate: the pre-cache implementation (bench/legacy-generate.ts), 1 token. Speed-up: today's generate / cached.`,
  '',
  ...lines,
  '',
  ...growth.map((g) => `- ${g}`),
  ...agree.map((a) => `- ${a}`),
  '',
].join('\n');
console.log(`\n${markdown}`);
mkdirSync(outDir, { recursive: true });
const stamp = new Date().toISOString().slice(0, 10);
writeFileSync(join(outDir, `generate-${stamp}.md`), markdown);
writeFileSync(
  join(outDir, `generate-${stamp}.json`),
  JSON.stringify({ machine, config, contexts, cachedTokens, measured, torch }, null, 2),
);
