/**
 * `npm run bench`: training speed of tiedformer's createCausalLM against a naive plain-tfjs
 * model and PyTorch, side by side in one run, on the reference configurations A and B and the
 * cpu and wasm backends. Reports the median tokens/s of measured steps after warm-up, the
 * ratios, and the memory tying saves; writes JSON and markdown under bench/results/.
 *
 *   npm run bench                                  # every cell
 *   npm run bench -- --config B --backend wasm     # one cell
 *   npm run bench -- --steps 5 --warmup 2          # more or fewer steps
 *   npm run bench -- --workers 1                   # no data-parallel column
 *   npm run bench -- --out /tmp/results            # write the results elsewhere
 *   npm run bench -- --toolkit only                # only the toolkit table (or: --toolkit skip)
 *
 * On wasm it also trains the same model data-parallel on `--workers` worker threads (default:
 * every core) with the library's `DataParallelTrainer` (tiedformer/node), because tfjs runs wasm
 * on one thread in Node; it checks that those losses equal the single-process ones.
 *
 * When config B and wasm are in the run, a toolkit section measures, side by side on config B
 * (wasm): a hand-written AdamW loop with global-norm clipping, the `train` helper doing the same
 * (target: ≤ 5 % slower), and `DataParallelTrainer` on 2 workers doing the same (target:
 * ≥ 1.6× the hand-written loop's tokens/s), checking that all three train alike. Its default is
 * 18 timed steps a way: six rounds of three, one per order of the three ways; the ratios are
 * given both from the pooled medians and paired by round (the median of each round's ratio).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  AdamW,
  type AdamWOptions,
  createCausalLM,
  setMatMulMode,
  sparseSoftmaxCrossEntropy,
  train,
} from 'tiedformer';
import { DataParallelTrainer } from 'tiedformer/node';
import { type BenchConfig, CONFIGS, modelOptions } from './configs.js';
import { median } from './median.js';
import { naiveModelFrom } from './naive-model.js';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const configNames = (option('config') ?? 'A,B').split(',') as ('A' | 'B')[];
const backends = (option('backend') ?? 'wasm,cpu').split(',');
const stepsOption = option('steps');
const workers = Number(option('workers') ?? os.cpus().length);
const outDir = option('out') ?? 'bench/results';
const warmupOption = option('warmup');
const toolkitMode = option('toolkit') ?? 'run';
if (!['run', 'only', 'skip'].includes(toolkitMode))
  throw new Error(`--toolkit must be run, only or skip, got ${toolkitMode}`);

/** Runs `step` (one training step returning its loss) once: tokens/s and the loss. */
function timeStep(step: () => tf.Scalar, tokensPerStep: number) {
  const start = performance.now();
  const lossTensor = step();
  const loss = lossTensor.dataSync()[0] as number; // waits for every kernel
  lossTensor.dispose();
  return { tokensPerSecond: (tokensPerStep / (performance.now() - start)) * 1000, loss };
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

interface PytorchRun {
  threadsSetting: 'default' | number;
  threads: number;
  blas: string;
  tokensPerSecond: number;
}

/**
 * PyTorch on the same model, with its default threading (what a user gets) and with 2 ATen
 * threads; the faster counts. Undefined when no python3 has torch.
 */
function pytorchRuns(
  python: string | undefined,
  c: BenchConfig,
  warmup: number,
  steps: number,
): PytorchRun[] | undefined {
  if (!python) return undefined;
  return [[], ['--threads', '2']].map((threads) => {
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
        ...threads,
      ],
      { encoding: 'utf8' },
    );
    return JSON.parse(out.trim().split('\n').at(-1) as string) as PytorchRun;
  });
}

interface Cell {
  config: 'A' | 'B';
  backend: string;
  tiedformer: number;
  naive: number;
  naiveLookup: string;
  pytorch: number | undefined;
  pytorchRuns: PytorchRun[] | undefined;
  parallel: { workers: number; tokensPerSecond: number; maxLossDifference: number } | undefined;
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
const pytorchCache = new Map<string, PytorchRun[] | undefined>();
const parallelJobs: {
  cellIndex: number;
  c: BenchConfig;
  backend: string;
  ids: Int32Array;
  losses: number[];
  warmup: number;
  steps: number;
}[] = [];
for (const backend of toolkitMode === 'only' ? [] : backends) {
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
    const oursLosses: number[] = [];
    for (let i = 0; i < warmup + steps; i++) {
      setMatMulMode('auto');
      const a = timeStep(ours, tokensPerStep);
      oursLosses.push(a.loss);
      setMatMulMode('native');
      const b = slow ? undefined : timeStep(theirs, tokensPerStep);
      setMatMulMode('auto');
      if (i >= warmup) {
        oursTimes.push(a.tokensPerSecond);
        if (b !== undefined) naiveTimes.push(b.tokensPerSecond);
      }
    }
    if (slow) {
      setMatMulMode('native');
      naiveTimes.push(timeStep(theirs, tokensPerStep).tokensPerSecond);
      setMatMulMode('auto');
    }
    const tiedformer = median(oursTimes);
    const naiveSpeed = median(naiveTimes);
    optimizer.dispose();
    naiveOptimizer.dispose();
    model.dispose();
    for (const v of naiveVariables) v.dispose();

    // The same training on several cores, measured after every single-process cell: worker
    // threads that ran before slowed the later cpu cells by ~15 % in one process.
    if (backend === 'wasm' && workers > 1) {
      parallelJobs.push({
        cellIndex: cells.length,
        c,
        backend,
        ids: (tokens.dataSync() as Int32Array).slice(),
        losses: oursLosses,
        warmup,
        steps,
      });
    }

    const key = name;
    if (!pytorchCache.has(key)) pytorchCache.set(key, pytorchRuns(python, c, 3, 10));
    const runs = pytorchCache.get(key);
    const pytorch = runs && Math.max(...runs.map((run) => run.tokensPerSecond));

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
      pytorchRuns: runs,
      parallel: undefined,
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

// Same init and the same batch every step as the single-process run, whose losses it must match.
for (const job of parallelJobs) {
  const tokensPerStep = job.c.batchSize * job.c.seqLen;
  // tf.train.adam(1e-3) as AdamW: no decay, tfjs' epsilon on cpu and wasm (1e-7). The update
  // is then the same formula, so the losses must match the single process's.
  const replicas = await DataParallelTrainer.start({
    model: modelOptions(job.c, 'tied'),
    optimizer: { learningRate: 1e-3, weightDecay: 0, epsilon: 1e-7 },
    workers,
    backend: job.backend,
  });
  const times: number[] = [];
  let maxLossDifference = 0;
  for (let i = 0; i < job.warmup + job.steps; i++) {
    const start = performance.now();
    const loss = await replicas.step(job.ids, job.c.batchSize);
    const elapsed = performance.now() - start;
    if (i >= job.warmup) times.push((tokensPerStep / elapsed) * 1000);
    maxLossDifference = Math.max(maxLossDifference, Math.abs(loss - (job.losses[i] as number)));
  }
  await replicas.close();
  const cell = cells[job.cellIndex] as Cell;
  // Averaging half-batch gradients is the full batch's gradient up to rounding: anything
  // larger than the numerics test's tolerance means the replicas trained something else.
  if (!(maxLossDifference <= 1e-4)) {
    console.error(
      `data-parallel losses differ from one process by ${maxLossDifference} (config ${job.c.name})`,
    );
    process.exitCode = 1;
  }
  cell.parallel = { workers, tokensPerSecond: median(times), maxLossDifference };
  console.log(
    `done: config ${job.c.name} on ${job.backend}, ${workers} workers: ${cell.parallel.tokensPerSecond.toFixed(0)} tok/s, losses within ${maxLossDifference.toExponential(1)} of one process`,
  );
}

interface ToolkitResult {
  config: 'B';
  backend: 'wasm';
  workers: number;
  warmup: number;
  steps: number;
  /** 1-minute load average when the section ended (os.loadavg). */
  loadAverage: number;
  /** [min, max] tok/s of the measured steps of each way. */
  spread: {
    handWritten: [number, number];
    trainHelper: [number, number];
    dataParallel: [number, number];
  };
  handWritten: number;
  trainHelper: number;
  dataParallel: number;
  trainOverhead: number;
  parallelSpeedup: number;
  /**
   * Per round, the ratio of the two ways' block medians (blocks run within ~30 s of each
   * other): the median over rounds, and each round's. Paired this way, a drift of the
   * machine's speed over minutes cancels out instead of landing on one way's steps.
   */
  paired: {
    trainOverhead: number;
    parallelSpeedup: number;
    rounds: { trainOverhead: number; parallelSpeedup: number }[];
  };
  maxTrainLossDifference: number;
  maxParallelLossDifference: number;
}

/**
 * The training toolkit on config B (wasm), one configuration three ways, side by side: a
 * hand-written AdamW loop with global-norm clipping; the `train` helper doing the same (one
 * call per step, so its per-call work counts); DataParallelTrainer on `workers` threads.
 * The three take turns in blocks (a lead-in step, then timed steps), cycling through every order
 * of the three, so that machine drift and order effects hit them alike; the ratios are of
 * medians over the same stretch of time.
 */
async function toolkitBench(warmup: number, steps: number): Promise<ToolkitResult> {
  await tf.setBackend('wasm');
  await tf.ready();
  const c = CONFIGS.B;
  const tokensPerStep = c.batchSize * c.seqLen;
  const optimizerOptions: AdamWOptions = {
    learningRate: { peak: 1e-3, warmupSteps: 2, totalSteps: 100 },
    weightDecay: 0.1,
    clipNorm: 1,
  };
  const tokens = batchOf(c);
  const [batch, length] = tokens.shape;
  const inputs = tf.slice(tokens, [0, 0], [batch, length - 1]);
  const targets = tf.slice(tokens, [0, 1], [batch, length - 1]);

  const handModel = createCausalLM(modelOptions(c, 'tied'));
  // The clipping limit is applied by hand below, so this optimizer does not clip again.
  const handOptimizer = new AdamW({ ...optimizerOptions, clipNorm: undefined });
  const variables = handModel.trainableWeights.map((w) => w.read() as tf.Variable);
  const handStep = async () => {
    const loss = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () => sparseSoftmaxCrossEntropy(targets, handModel.apply(inputs) as tf.Tensor),
        variables,
      );
      const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
      const scale = tf.minimum(1, tf.div(1, tf.add(norm, 1e-6)));
      const clipped: tf.NamedTensorMap = {};
      for (const [name, g] of Object.entries(grads)) clipped[name] = tf.mul(g, scale);
      handOptimizer.applyGradients(clipped);
      return value;
    });
    const value = (await loss.data())[0] as number;
    loss.dispose();
    return value;
  };
  const helperModel = createCausalLM(modelOptions(c, 'tied'));
  const helperOptimizer = new AdamW({ ...optimizerOptions, clipNorm: undefined });
  const helperStep = async () =>
    (await train(helperModel, { optimizer: helperOptimizer, batches: [tokens], clipNorm: 1 }))
      .losses[0] as number;

  // Started before any step so that the three ways are timed in the same stretch of time.
  const ids = (tokens.dataSync() as Int32Array).slice();
  const trainer = await DataParallelTrainer.start({
    model: modelOptions(c, 'tied'),
    optimizer: optimizerOptions,
    workers: Math.max(2, workers),
    backend: 'wasm',
  });
  const parallelStep = () => trainer.step(ids, c.batchSize);

  const ways = [handStep, helperStep, parallelStep];
  // The ways take turns in blocks: each round runs every way for one lead-in step and `BLOCK`
  // timed steps, in every order of the three across rounds. Blocks, because a user trains one
  // way at a time: right after another way's step a way pays for the switch (the previous
  // way's garbage collected on a core the replicas need, caches refilled), which the lead-in
  // step absorbs alike for all three. Turns and orders, so that the shared machine's drift and
  // any order effect hit the three alike (one way after the other put 1.10× and 1.81× an hour
  // apart on the same code).
  const BLOCK = 3;
  const orders = [
    [0, 1, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
    [0, 2, 1],
    [1, 0, 2],
  ];
  const perSecond: number[][] = [[], [], []];
  const losses: number[][] = [[], [], []];
  // Each round's block median per way: [round][way].
  const blocks: number[][] = [];
  const runStep = async (way: number, timed: boolean) => {
    const start = performance.now();
    const loss = await (ways[way] as () => Promise<number>)();
    const elapsed = performance.now() - start;
    (losses[way] as number[]).push(loss);
    if (timed) (perSecond[way] as number[]).push((tokensPerStep / elapsed) * 1000);
  };
  for (let i = 0; i < warmup; i++) for (const way of [0, 1, 2]) await runStep(way, false);
  for (let round = 0; round * BLOCK < steps; round++) {
    const medians = [0, 0, 0];
    for (const way of orders[round % orders.length] as number[]) {
      await runStep(way, false);
      for (let i = 0; i < BLOCK; i++) await runStep(way, true);
      medians[way] = median((perSecond[way] as number[]).slice(-BLOCK));
    }
    blocks.push(medians);
  }
  const rounds = blocks.map(([h, t, p]) => ({
    trainOverhead: (h as number) / (t as number) - 1,
    parallelSpeedup: (p as number) / (h as number),
  }));
  const [hand, helper, parallel] = perSecond as [number[], number[], number[]];
  const range = (xs: number[]): [number, number] => [Math.min(...xs), Math.max(...xs)];
  const [handLosses, helperLosses, parallelLosses] = losses as [number[], number[], number[]];
  const maxDifference = (xs: number[]) =>
    Math.max(...xs.map((x, i) => Math.abs(x - (handLosses[i] as number))));
  const maxTrainLossDifference = maxDifference(helperLosses);
  const maxParallelLossDifference = maxDifference(parallelLosses);
  tf.dispose([tokens, inputs, targets]);
  handOptimizer.dispose();
  helperOptimizer.dispose();
  handModel.dispose();
  helperModel.dispose();
  const worldSize = trainer.worldSize;
  await trainer.close();
  if (!(maxTrainLossDifference <= 1e-6) || !(maxParallelLossDifference <= 1e-4)) {
    console.error(
      `toolkit: losses differ (train helper ${maxTrainLossDifference}, data-parallel ${maxParallelLossDifference})`,
    );
    process.exitCode = 1;
  }
  const result: ToolkitResult = {
    config: 'B',
    backend: 'wasm',
    workers: worldSize,
    warmup,
    steps: hand.length,
    loadAverage: os.loadavg()[0] as number,
    spread: { handWritten: range(hand), trainHelper: range(helper), dataParallel: range(parallel) },
    handWritten: median(hand),
    trainHelper: median(helper),
    dataParallel: median(parallel),
    trainOverhead: median(hand) / median(helper) - 1,
    parallelSpeedup: median(parallel) / median(hand),
    paired: {
      trainOverhead: median(rounds.map((r) => r.trainOverhead)),
      parallelSpeedup: median(rounds.map((r) => r.parallelSpeedup)),
      rounds,
    },
    maxTrainLossDifference,
    maxParallelLossDifference,
  };
  console.log(
    `done: toolkit on config B, wasm: hand-written ${result.handWritten.toFixed(0)} tok/s, train helper ${result.trainHelper.toFixed(0)} tok/s (${(100 * result.trainOverhead).toFixed(1)} % overhead), DataParallelTrainer ${worldSize} workers ${result.dataParallel.toFixed(0)} tok/s (${result.parallelSpeedup.toFixed(2)}×); paired by round: ${(100 * result.paired.trainOverhead).toFixed(1)} %, ${result.paired.parallelSpeedup.toFixed(2)}×`,
  );
  return result;
}

const toolkit =
  toolkitMode !== 'skip' && configNames.includes('B') && backends.includes('wasm')
    ? await toolkitBench(Number(warmupOption ?? 2), Number(stepsOption ?? 18))
    : undefined;

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
const spread = ([low, high]: [number, number]) => `${fmt(low)}–${fmt(high)}`;
const mib = (x: number) => (x / 2 ** 20).toFixed(1);
const ratio = (x: number | undefined) => (x === undefined ? 'skipped' : `${x.toFixed(2)}×`);
const blas = cells.find((c) => c.pytorchRuns)?.pytorchRuns?.[0]?.blas ?? 'skipped';
const cellLines = [
  `Measured ${machine.date.slice(0, 10)} on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB), Node ${machine.node}, tfjs ${machine.tfjs}, PyTorch ${machine.pytorch} (BLAS: ${blas}). Median of measured steps after warm-up (cpu, config B: 3 steps; its naive column: 1 step). PyTorch: the faster of its default threading and 2 ATen threads (both below). Parallel: the same training data-parallel on worker threads (wasm only), one replica per core.`,
  '',
  '| config | backend | tiedformer tok/s | naive tfjs tok/s | PyTorch tok/s | tiedformer / naive | tiedformer / PyTorch | parallel tok/s | parallel / PyTorch | parallel vs 1 process: max loss difference |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...cells.map((c) => {
    const p = c.parallel;
    const parallelColumns = p
      ? `${fmt(p.tokensPerSecond)} (${p.workers} workers) | ${ratio(c.pytorch && p.tokensPerSecond / c.pytorch)} | ${p.maxLossDifference.toExponential(1)}`
      : '— | — | —';
    return `| ${c.config} | ${c.backend} | ${fmt(c.tiedformer)} | ${fmt(c.naive)} | ${fmt(c.pytorch)} | ${fmt(c.ratioNaive, 2)}× | ${ratio(c.ratioPytorch)} | ${parallelColumns} |`;
  }),
  '',
  'PyTorch by threading (tok/s):',
  '',
  '| config | default threading | 2 ATen threads |',
  '|---|---|---|',
  ...configNames.flatMap((name) => {
    const runs = pytorchCache.get(name);
    if (!runs) return [];
    const label = (run: PytorchRun) =>
      `${fmt(run.tokensPerSecond)} (${run.threads} ATen thread${run.threads === 1 ? '' : 's'})`;
    return `| ${name} | ${runs.map(label).join(' | ')} |`;
  }),
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
];
const toolkitLines = [
  ...(toolkit
    ? [
        '',
        `The training toolkit on config B, wasm, the same AdamW (warmup + cosine, weight decay 0.1) with global-norm clipping at 1, three ways (median tok/s of ${toolkit.steps} timed steps each after ${toolkit.warmup} warm-up; the three take turns in blocks of a lead-in and 3 timed steps, cycling through every order; 1-minute load average ${toolkit.loadAverage.toFixed(1)} at the end):`,
        '',
        '| hand-written loop | `train` helper | overhead | DataParallelTrainer | vs hand-written | max loss difference (helper, data-parallel) |',
        '|---|---|---|---|---|---|',
        `| ${fmt(toolkit.handWritten)} | ${fmt(toolkit.trainHelper)} | ${(100 * toolkit.trainOverhead).toFixed(1)} % | ${fmt(toolkit.dataParallel)} (${toolkit.workers} workers) | ${toolkit.parallelSpeedup.toFixed(2)}× | ${toolkit.maxTrainLossDifference.toExponential(1)}, ${toolkit.maxParallelLossDifference.toExponential(1)} |`,
        `| ${spread(toolkit.spread.handWritten)} | ${spread(toolkit.spread.trainHelper)} | | ${spread(toolkit.spread.dataParallel)} | | (min–max of the measured steps) |`,
        '',
        `Paired by round (each round runs the three ways' blocks back to back, so the ratio of two blocks of the same round is measured at nearly the same machine speed): median over ${toolkit.paired.rounds.length} rounds, helper overhead ${(100 * toolkit.paired.trainOverhead).toFixed(1)} %, data-parallel speed-up ${toolkit.paired.parallelSpeedup.toFixed(2)}×; per round ${toolkit.paired.rounds.map((r) => `${(100 * r.trainOverhead).toFixed(1)} % / ${r.parallelSpeedup.toFixed(2)}×`).join(', ')}.`,
      ]
    : []),
];
// With --toolkit only there are no cells: the machine line and the toolkit table alone.
const table = (
  cells.length > 0 ? [...cellLines, ...toolkitLines] : [cellLines[0] as string, ...toolkitLines]
).join('\n');
mkdirSync(outDir, { recursive: true });
// A partial run (one config or backend) gets its own file, not the full table's.
const full = configNames.length === 2 && backends.length === 2 && toolkitMode === 'run';
const stamp = `${machine.date.slice(0, 10)}${full ? '' : `-${configNames.join('')}-${backends.join('-')}${toolkitMode === 'run' ? '' : `-toolkit-${toolkitMode}`}`}`;
writeFileSync(
  `${outDir}/train-${stamp}.json`,
  `${JSON.stringify({ machine, cells, toolkit }, null, 2)}\n`,
);
writeFileSync(`${outDir}/train-${stamp}.md`, `${table}\n`);
console.log(`\n${table}\n\nwritten: ${outDir}/train-${stamp}.json and .md\n`);
for (const c of cells) {
  if (c.parallel) {
    console.log(
      `PARALLEL config=${c.config} backend=${c.backend} workers=${c.parallel.workers} tiedformer=${fmt(c.parallel.tokensPerSecond)} ratio_pytorch=${c.pytorch === undefined ? 'skipped' : (c.parallel.tokensPerSecond / c.pytorch).toFixed(2)} max_loss_difference=${c.parallel.maxLossDifference.toExponential(1)}`,
    );
  }
}
for (const c of cells) {
  console.log(
    `RESULT config=${c.config} backend=${c.backend} tiedformer=${fmt(c.tiedformer)} naive=${fmt(c.naive)} pytorch=${fmt(c.pytorch)} ratio_naive=${c.ratioNaive.toFixed(2)} ratio_pytorch=${c.ratioPytorch === undefined ? 'skipped' : c.ratioPytorch.toFixed(2)}`,
  );
}
if (toolkit) {
  console.log(
    `TOOLKIT config=B backend=wasm hand=${fmt(toolkit.handWritten)} train=${fmt(toolkit.trainHelper)} overhead=${(100 * toolkit.trainOverhead).toFixed(1)}% parallel=${fmt(toolkit.dataParallel)} workers=${toolkit.workers} speedup=${toolkit.parallelSpeedup.toFixed(2)} paired-overhead=${(100 * toolkit.paired.trainOverhead).toFixed(1)}% paired-speedup=${toolkit.paired.parallelSpeedup.toFixed(2)}`,
  );
}
