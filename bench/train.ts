/**
 * `npm run bench`: training speed of tiedformer's createCausalLM against a naive plain-tfjs
 * model and PyTorch, side by side in one run, on the reference configurations A and B and the
 * cpu and wasm backends. Reports the median tokens/s of measured steps after warm-up, the
 * ratios, and the memory tying saves; writes JSON and markdown under bench/results/.
 *
 *   npm run bench                                  # every cell
 *   npm run bench -- --config B --backend wasm     # one cell
 *   npm run bench -- --steps 5 --warmup 2          # more or fewer steps
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createCausalLM, setMatMulMode, sparseSoftmaxCrossEntropy } from 'tiedformer';
import { type BenchConfig, CONFIGS } from './configs.js';
import { naiveModelFrom } from './naive-model.js';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const configNames = (option('config') ?? 'A,B').split(',') as ('A' | 'B')[];
const backends = (option('backend') ?? 'wasm,cpu').split(',');
const stepsOption = option('steps');
const warmupOption = option('warmup');

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** Times `step` (one training step returning its loss) and returns tokens/s of the median step. */
function timeSteps(
  step: () => tf.Scalar,
  tokensPerStep: number,
  warmup: number,
  steps: number,
): number {
  const times: number[] = [];
  for (let i = 0; i < warmup + steps; i++) {
    const start = performance.now();
    const loss = step();
    loss.dataSync(); // waits for every kernel
    loss.dispose();
    if (i >= warmup) times.push(performance.now() - start);
  }
  return (tokensPerStep / median(times)) * 1000;
}

function modelOptions(c: BenchConfig, head: 'tied' | 'untied') {
  return {
    vocabSize: c.vocabSize,
    hiddenSize: c.hiddenSize,
    numLayers: c.numLayers,
    numHeads: c.numHeads,
    intermediateSize: 4 * c.hiddenSize,
    head,
    rotary: false,
    seed: 1,
  } as const;
}

function batchOf(c: BenchConfig): tf.Tensor2D {
  return tf.randomUniformInt([c.batchSize, c.seqLen + 1], 0, c.vocabSize, 7) as tf.Tensor2D;
}

/** tiedformer: createCausalLM, the fused loss, Adam. */
function tiedformerStep(model: tf.LayersModel, tokens: tf.Tensor2D, optimizer: tf.Optimizer) {
  const [batch, length] = tokens.shape;
  const inputs = tf.slice(tokens, [0, 0], [batch, length - 1]);
  const targets = tf.slice(tokens, [0, 1], [batch, length - 1]);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return () =>
    optimizer.minimize(
      () => sparseSoftmaxCrossEntropy(targets, model.apply(inputs) as tf.Tensor),
      true,
      variables,
    ) as tf.Scalar;
}

/** Persistent bytes after two training steps (weights + Adam slots), and the peak during a third. */
async function memoryOf(c: BenchConfig, head: 'tied' | 'untied') {
  const before = tf.memory().numBytes;
  const model = createCausalLM(modelOptions(c, head));
  const tokens = batchOf(c);
  const optimizer = tf.train.adam(1e-3);
  const step = tiedformerStep(model, tokens, optimizer);
  for (let i = 0; i < 2; i++) tf.dispose(step());
  const persistent = tf.memory().numBytes - before;
  const profile = await tf.profile(() => tf.dispose(step()));
  const peak = profile.peakBytes - before;
  optimizer.dispose();
  model.dispose();
  tokens.dispose();
  return { persistent, peak };
}

function pythonWithTorch(): string | undefined {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
      return python;
    } catch {
      // try the next
    }
  }
  return undefined;
}

function pytorchTokensPerSecond(
  python: string | undefined,
  c: BenchConfig,
  warmup: number,
  steps: number,
): number | undefined {
  if (!python) return undefined;
  const out = execFileSync(
    python,
    [
      'bench/torch_reference.py',
      '--config',
      c.name,
      '--steps',
      String(steps),
      '--warmup',
      String(warmup),
      '--threads',
      '2',
    ],
    {
      encoding: 'utf8',
    },
  );
  return (JSON.parse(out.trim().split('\n').at(-1) as string) as { tokensPerSecond: number })
    .tokensPerSecond;
}

interface Cell {
  config: 'A' | 'B';
  backend: string;
  tiedformer: number;
  naive: number;
  naiveLookup: string;
  pytorch: number | undefined;
  ratioNaive: number;
  ratioPytorch: number | undefined;
  memory:
    | {
        tiedPersistent: number;
        untiedPersistent: number;
        savedCopiesOfE: number;
        tiedPeak: number;
        untiedPeak: number;
      }
    | undefined;
}

const python = pythonWithTorch();
console.log(
  python
    ? `PyTorch column: ${python}`
    : 'PyTorch column: skipped (no python3 with torch; apt-get install python3-torch)',
);
const cells: Cell[] = [];
const pytorchCache = new Map<string, number | undefined>();
for (const backend of backends) {
  await tf.setBackend(backend);
  await tf.ready();
  for (const name of configNames) {
    const c = CONFIGS[name];
    const tokensPerStep = c.batchSize * c.seqLen;
    // The cpu backend runs config B at seconds per step: fewer steps there unless told.
    const slow = backend === 'cpu' && name === 'B';
    const warmup = Number(warmupOption ?? (slow ? 1 : 2));
    const steps = Number(stepsOption ?? (slow ? 3 : 5));
    const tokens = batchOf(c);

    const model = createCausalLM(modelOptions(c, 'tied'));
    const naive = naiveModelFrom(model, { ...c, intermediateSize: 4 * c.hiddenSize });
    const optimizer = tf.train.adam(1e-3);
    const naiveOptimizer = tf.train.adam(1e-3);
    const ours = tiedformerStep(model, tokens, optimizer);
    const naiveVariables = [...naive.weights.values()];
    const theirs = () =>
      naiveOptimizer.minimize(() => naive.loss(tokens), true, naiveVariables) as tf.Scalar;

    // Alternate the two, a step at a time, so that machine noise hits both alike. On cpu, config
    // B's naive step takes minutes (tfjs' UnsortedSegmentSum builds a vocab × tokens × d
    // intermediate, ~8.6 GB here): it gets one measured step, after tiedformer's.
    const oursTimes: number[] = [];
    const naiveTimes: number[] = [];
    for (let i = 0; i < warmup + steps; i++) {
      setMatMulMode('auto');
      const a = timeSteps(ours, tokensPerStep, 0, 1);
      setMatMulMode('native');
      const b = slow ? undefined : timeSteps(theirs, tokensPerStep, 0, 1);
      setMatMulMode('auto');
      if (i >= warmup) {
        oursTimes.push(a);
        if (b !== undefined) naiveTimes.push(b);
      }
    }
    if (slow) {
      setMatMulMode('native');
      naiveTimes.push(timeSteps(theirs, tokensPerStep, 0, 1));
      setMatMulMode('auto');
    }
    const tiedformer = median(oursTimes);
    const naiveSpeed = median(naiveTimes);
    optimizer.dispose();
    naiveOptimizer.dispose();
    model.dispose();
    for (const v of naiveVariables) v.dispose();

    const key = name;
    if (!pytorchCache.has(key)) pytorchCache.set(key, pytorchTokensPerSecond(python, c, 3, 10));
    const pytorch = pytorchCache.get(key);

    // Bytes do not depend on the backend: measured once per config, on the first backend.
    const measuredBefore = cells.find((cell) => cell.config === name);
    const tied = measuredBefore ? undefined : await memoryOf(c, 'tied');
    const untied = measuredBefore ? undefined : await memoryOf(c, 'untied');

    const copyOfE = c.vocabSize * c.hiddenSize * 4;
    cells.push({
      config: name,
      backend,
      tiedformer,
      naive: naiveSpeed,
      naiveLookup:
        backend === 'wasm' ? 'one-hot matmul (tf.gather has no gradient on wasm)' : 'tf.gather',
      pytorch,
      ratioNaive: tiedformer / naiveSpeed,
      ratioPytorch: pytorch === undefined ? undefined : tiedformer / pytorch,
      memory:
        tied && untied
          ? {
              tiedPersistent: tied.persistent,
              untiedPersistent: untied.persistent,
              savedCopiesOfE: (untied.persistent - tied.persistent) / copyOfE,
              tiedPeak: tied.peak,
              untiedPeak: untied.peak,
            }
          : undefined,
    });
    tokens.dispose();
    console.log(
      `done: config ${name} on ${backend}: tiedformer ${tiedformer.toFixed(0)} tok/s, naive ${naiveSpeed.toFixed(0)} tok/s, PyTorch ${pytorch === undefined ? 'skipped' : pytorch.toFixed(0)} tok/s`,
    );
  }
}

const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  tfjs: tf.version.tfjs,
  pytorch: python
    ? execFileSync(python, ['-c', 'import torch; print(torch.__version__)'], {
        encoding: 'utf8',
      }).trim()
    : 'skipped',
  date: new Date().toISOString(),
};
const fmt = (x: number | undefined, digits = 0) =>
  x === undefined ? 'skipped' : x.toFixed(digits);
const mib = (x: number) => (x / 2 ** 20).toFixed(1);
const table = [
  `Measured ${machine.date.slice(0, 10)} on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB), Node ${machine.node}, tfjs ${machine.tfjs}, PyTorch ${machine.pytorch} (2 threads). Median of measured steps after warm-up (cpu, config B: 3 steps; its naive column: 1 step).`,
  '',
  '| config | backend | tiedformer tok/s | naive tfjs tok/s | PyTorch tok/s | tiedformer / naive | tiedformer / PyTorch |',
  '|---|---|---|---|---|---|---|',
  ...cells.map(
    (c) =>
      `| ${c.config} | ${c.backend} | ${fmt(c.tiedformer)} | ${fmt(c.naive)} | ${fmt(c.pytorch)} | ${fmt(c.ratioNaive, 2)}× | ${c.ratioPytorch === undefined ? 'skipped' : `${c.ratioPytorch.toFixed(2)}×`} |`,
  ),
  '',
  'Memory of a training step (weights + Adam slots persistent; peak during a step), tied vs untied head, measured on the first backend (bytes do not depend on it):',
  '',
  '| config | backend | tied persistent MiB | untied persistent MiB | copies of E saved | tied peak MiB | untied peak MiB |',
  '|---|---|---|---|---|---|---|',
  ...cells.flatMap((c) => {
    const m = c.memory;
    if (m === undefined) return [];
    return `| ${c.config} | ${c.backend} | ${mib(m.tiedPersistent)} | ${mib(m.untiedPersistent)} | ${m.savedCopiesOfE.toFixed(2)} | ${mib(m.tiedPeak)} | ${mib(m.untiedPeak)} |`;
  }),
].join('\n');
mkdirSync('bench/results', { recursive: true });
const stamp = machine.date.slice(0, 10);
writeFileSync(
  `bench/results/train-${stamp}.json`,
  `${JSON.stringify({ machine, cells }, null, 2)}\n`,
);
writeFileSync(`bench/results/train-${stamp}.md`, `${table}\n`);
console.log(`\n${table}\n\nwritten: bench/results/train-${stamp}.json and .md\n`);
for (const c of cells) {
  console.log(
    `RESULT config=${c.config} backend=${c.backend} tiedformer=${fmt(c.tiedformer)} naive=${fmt(c.naive)} pytorch=${fmt(c.pytorch)} ratio_naive=${c.ratioNaive.toFixed(2)} ratio_pytorch=${c.ratioPytorch === undefined ? 'skipped' : c.ratioPytorch.toFixed(2)}`,
  );
}
