/**
 * `npm run bench:replicas`: what caps `DataParallelTrainer` on this machine (config B, wasm), in
 * two measurements the toolkit table of `npm run bench` cannot separate:
 *
 * 1. the forward and backward pass of one replica's shard (4 rows of config B) in one worker
 *    thread alone, then in two worker threads side by side (independent models, no exchange):
 *    how much two busy cores slow each other down;
 *  2. in one process, the per-step work a replica does besides its gradient: copying the
 *    gradient out of the backend, averaging two gradients on the backend, and the AdamW update
 *    with clipping of the whole model (every replica applies it).
 *
 *   npm run bench:replicas [-- --steps 4]
 *
 * Prints medians and min–max; writes nothing (the figures are quoted in docs/training.md).
 */
import os from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { AdamW, clipByGlobalNorm, createCausalLM, lossAndGradients } from 'tiedformer';
import { CONFIGS, modelOptions } from './configs.js';

const c = CONFIGS.B;
const rows = c.batchSize / 2; // one replica's shard with 2 workers
const args = process.argv.slice(2);
const steps = Number(args[args.indexOf('--steps') + 1] ?? 4) || 4;
const ms = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `${(s[Math.floor(s.length / 2)] as number).toFixed(0)} ms (${(s[0] as number).toFixed(0)}–${(s[s.length - 1] as number).toFixed(0)})`;
};

async function setup() {
  await tf.setBackend('wasm');
  await tf.ready();
  const model = createCausalLM(modelOptions(c, 'tied'));
  const tokens = tf.randomUniformInt([rows, c.seqLen + 1], 0, c.vocabSize, 7) as tf.Tensor2D;
  return { model, tokens };
}

async function gradientTimes(count: number, warmup = 2): Promise<number[]> {
  const { model, tokens } = await setup();
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
  parentPort?.postMessage(await gradientTimes(workerData as number));
} else {
  const inWorkers = (n: number) =>
    Promise.all(
      Array.from(
        { length: n },
        () =>
          new Promise<number[]>((resolve, reject) => {
            const worker = new Worker(new URL('./replica-contention-worker.mjs', import.meta.url), {
              workerData: steps,
            });
            worker.once('message', (times: number[]) => {
              resolve(times);
              void worker.terminate();
            });
            worker.once('error', reject);
          }),
      ),
    );
  console.log(`config B, ${rows} rows per replica, wasm, ${os.cpus().length} cores`);
  for (let round = 0; round < 2; round++) {
    const [alone] = (await inWorkers(1)) as [number[]];
    const pair = await inWorkers(2);
    console.log(
      `forward + backward: one worker alone ${ms(alone)}; two side by side ${pair.map(ms).join(' and ')}`,
    );
  }

  const { model, tokens } = await setup();
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
    const averaged: tf.NamedTensorMap = {};
    offset = 0;
    for (const v of variables) {
      const from = offset;
      averaged[v.name] = tf.tidy(() =>
        tf.mul(
          tf.addN(
            [0, 1].map((r) =>
              tf.tensor(shared.subarray(r * total + from, r * total + from + v.size), v.shape),
            ),
          ),
          0.5,
        ),
      );
      offset += v.size;
    }
    await (averaged[(variables[0] as tf.Variable).name] as tf.Tensor).data();
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
  console.log(
    `per step besides the gradient (one process, ${total} parameters): copy out ${ms(copy)}, average ${ms(average)}, clip + AdamW ${ms(update)}`,
  );
}
