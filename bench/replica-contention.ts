/**
 * `npm run bench:replicas`: what caps `DataParallelTrainer` on this machine (config B, wasm), in
 * two measurements the toolkit table of `npm run bench` cannot separate:
 *
 * 1. the forward and backward pass in worker threads: the whole batch (8 rows, what one process
 *    computes) in one worker alone, one replica's shard (4 rows) in one worker alone, and two
 *    shards in two workers side by side (independent models, no exchange). The last two give
 *    how much two busy cores slow each other down; the first and the last the *ceiling* of a
 *    two-replica speed-up on this machine before any exchange: one process's pass (and its
 *    update of the whole model) against the slower of two simultaneous shard passes (and half
 *    the update, as each replica does);
 *  2. in one process, the per-step work a replica does besides its gradient: copying the
 *    gradient out of the backend, averaging two gradients in plain JS on a shared buffer (as
 *    the replica does, here for the whole model), and the AdamW update with clipping of the
 *    whole model (each replica applies it to about half).
 *
 *   npm run bench:replicas [-- --steps 4 --rounds 3 --tag quiet]
 *
 * Prints medians and min–max and writes the same lines to
 * `bench/results/replicas-<date>[-<tag>].md` (quoted in README and docs/training.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { AdamW, clipByGlobalNorm, createCausalLM, lossAndGradients } from 'tiedformer';
import { CONFIGS, modelOptions } from './configs.js';
import { median } from './median.js';

const c = CONFIGS.B;
const shard = c.batchSize / 2; // one replica's shard with 2 workers
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  const value = at >= 0 ? Number(args[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name} must be a positive integer, got ${args[at + 1]}`);
  return value;
};
const steps = option('steps', 4);
const rounds = option('rounds', 3);
const tagAt = args.indexOf('--tag');
const tag = tagAt >= 0 ? `-${args[tagAt + 1]}` : '';
const lines: string[] = [];
const report = (line: string) => {
  console.log(line);
  lines.push(line);
};
const ms = (xs: number[]) =>
  `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;

async function setup(rows: number) {
  await tf.setBackend('wasm');
  await tf.ready();
  const model = createCausalLM(modelOptions(c, 'tied'));
  const tokens = tf.randomUniformInt([rows, c.seqLen + 1], 0, c.vocabSize, 7) as tf.Tensor2D;
  return { model, tokens };
}

async function gradientTimes(rows: number, count: number, warmup = 2): Promise<number[]> {
  const { model, tokens } = await setup(rows);
  const times: number[] = [];
  for (let i = 0; i < warmup + count; i++) {
    const start = performance.now();
    const { loss, grads } = lossAndGradients(model, tokens);
    await loss.data();
    tf.dispose([loss, ...Object.values(grads)]);
    if (i >= warmup) times.push(performance.now() - start);
  }
  return times;
}

if (!isMainThread) {
  const { rows, count } = workerData as { rows: number; count: number };
  parentPort?.postMessage(await gradientTimes(rows, count));
} else {
  const inWorkers = (n: number, rows: number) =>
    Promise.all(
      Array.from(
        { length: n },
        () =>
          new Promise<number[]>((resolve, reject) => {
            const worker = new Worker(new URL('./replica-contention-worker.mjs', import.meta.url), {
              workerData: { rows, count: steps },
            });
            worker.once('message', (times: number[]) => {
              resolve(times);
              void worker.terminate();
            });
            worker.once('error', reject);
          }),
      ),
    );
  report(`config B, ${shard} rows per replica, wasm, ${os.cpus().length} cores`);
  const ceilings: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const [whole] = (await inWorkers(1, c.batchSize)) as [number[]];
    const [alone] = (await inWorkers(1, shard)) as [number[]];
    const pair = await inWorkers(2, shard);
    const slower = Math.max(...pair.map(median));
    ceilings.push(median(whole) / slower);
    report(
      `forward + backward: ${c.batchSize} rows alone ${ms(whole)}; ${shard} rows alone ${ms(alone)}; two of ${shard} side by side ${pair.map(ms).join(' and ')}; ceiling ${(median(whole) / slower).toFixed(2)}× (before any exchange or update)`,
    );
  }
  report(
    `ceiling of the two-replica speed-up (the ${c.batchSize}-row pass over the slower of two simultaneous ${shard}-row passes), median of ${rounds} rounds: ${median(ceilings).toFixed(2)}×`,
  );

  const { model, tokens } = await setup(shard);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const total = variables.reduce((n, v) => n + v.size, 0);
  const optimizer = new AdamW({ learningRate: 1e-3, weightDecay: 0.1 });
  const shared = new Float32Array(2 * total);
  const copy: number[] = [];
  const average: number[] = [];
  const update: number[] = [];
  for (let i = 0; i < 2 + steps; i++) {
    const { loss, grads } = lossAndGradients(model, tokens);
    await loss.data();
    let t = performance.now();
    let offset = 0;
    for (const v of variables) {
      shared.set(await (grads[v.name] as tf.Tensor).data(), offset); // as the replica does
      offset += v.size;
    }
    const copied = performance.now() - t;
    t = performance.now();
    // As the replica does for its own variables: add the other gradient in place and halve,
    // in plain JS on the shared buffer (here for every variable).
    for (let j = 0; j < total; j++)
      shared[j] = Math.fround(((shared[j] as number) + (shared[total + j] as number)) * 0.5);
    const averaged: tf.NamedTensorMap = {};
    offset = 0;
    for (const v of variables) {
      averaged[v.name] = tf.tensor(shared.subarray(offset, offset + v.size), v.shape);
      offset += v.size;
    }
    const averagedMs = performance.now() - t;
    t = performance.now();
    const clipped = clipByGlobalNorm(averaged, 1);
    optimizer.applyGradients(clipped.grads);
    await (variables[0] as tf.Variable).data();
    const updated = performance.now() - t;
    tf.dispose([
      loss,
      clipped.norm,
      ...Object.values(grads),
      ...Object.values(averaged),
      ...Object.values(clipped.grads),
    ]);
    if (i >= 2) {
      copy.push(copied);
      average.push(averagedMs);
      update.push(updated);
    }
  }
  report(
    `per step besides the gradient (one process, the whole model's ${total} parameters; a replica does about half of the last two): copy out ${ms(copy)}, average ${ms(average)}, clip + AdamW ${ms(update)}`,
  );
  const date = new Date().toISOString().slice(0, 10);
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/replicas-${date}${tag}.md`;
  writeFileSync(
    file,
    `Measured ${new Date().toISOString()} on ${os.cpus()[0]?.model ?? 'unknown'} (${os.cpus().length} cores), Node ${process.version}, tfjs ${tf.version.tfjs}, 1-minute load average ${os.loadavg()[0]?.toFixed(1)} at the end; ${steps} steps after 2 warm-up, ${rounds} rounds.\n\n${lines.map((l) => `- ${l}`).join('\n')}\n`,
  );
  console.log(`wrote ${file}`);
}
