/**
 * One replica of bench/data-parallel.ts: builds the same model as the main bench (same seed,
 * so every replica starts identical), computes the gradient of its shard of the batch, averages
 * the gradients of all replicas through shared memory and applies the same Adam step, so the
 * replicas stay identical without ever sending weights.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createCausalLM, sparseSoftmaxCrossEntropy } from 'tiedformer';
import { CONFIGS, modelOptions } from './configs.js';

interface WorkerInit {
  config: 'A' | 'B';
  backend: string;
  rank: number;
  worldSize: number;
  /** worldSize × paramCount float32: each replica's gradient, flattened. */
  gradients: SharedArrayBuffer;
  /** [arrived, generation]: a reusable barrier. */
  barrier: SharedArrayBuffer;
}

const init = workerData as WorkerInit;
const port = parentPort;
if (!port) throw new Error('data-parallel-worker must run in a worker thread');

/** Blocks until every replica has arrived (Atomics.wait is allowed off the main thread). */
function waitForAll(sync: Int32Array, parties: number): void {
  const generation = Atomics.load(sync, 1);
  if (Atomics.add(sync, 0, 1) === parties - 1) {
    Atomics.store(sync, 0, 0);
    Atomics.add(sync, 1, 1);
    Atomics.notify(sync, 1);
  } else {
    while (Atomics.load(sync, 1) === generation) Atomics.wait(sync, 1, generation);
  }
}

await tf.setBackend(init.backend);
await tf.ready();
const c = CONFIGS[init.config];
const model = createCausalLM(modelOptions(c, 'tied'));
const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
const paramCount = variables.reduce((sum, v) => sum + v.size, 0);
const all = new Float32Array(init.gradients);
const mine = all.subarray(init.rank * paramCount, (init.rank + 1) * paramCount);
const sync = new Int32Array(init.barrier);
// Typed as the base class: AdamOptimizer.applyGradients is declared for variables only.
const optimizer: tf.Optimizer = tf.train.adam(1e-3);

port.on('message', (message: { tokens: Int32Array; rows: number }) => {
  const length = message.tokens.length / message.rows;
  const { value, grads } = tf.tidy(() => {
    const tokens = tf.tensor2d(message.tokens, [message.rows, length], 'int32');
    const inputs = tf.slice(tokens, [0, 0], [message.rows, length - 1]);
    const targets = tf.slice(tokens, [0, 1], [message.rows, length - 1]);
    return tf.variableGrads(
      () => sparseSoftmaxCrossEntropy(targets, model.apply(inputs) as tf.Tensor) as tf.Scalar,
      variables,
    );
  });
  let offset = 0;
  for (const v of variables) {
    mine.set((grads[v.name] as tf.Tensor).dataSync(), offset);
    offset += v.size;
  }
  tf.dispose(grads);
  waitForAll(sync, init.worldSize);
  // Equal shards, mean loss per shard: the mean of the replicas' gradients is the full batch's.
  const averaged: tf.NamedTensorMap = {};
  offset = 0;
  for (const v of variables) {
    const start = offset;
    // Summed on the backend: a JS loop over the shared buffer took ~70 ms a step for config B.
    averaged[v.name] = tf.tidy(() => {
      const parts = Array.from({ length: init.worldSize }, (_, r) => {
        const from = r * paramCount + start;
        return tf.tensor(all.subarray(from, from + v.size), v.shape);
      });
      return tf.mul(tf.addN(parts), 1 / init.worldSize);
    });
    offset += v.size;
  }
  // Nobody overwrites a slot until every replica has read them all.
  waitForAll(sync, init.worldSize);
  optimizer.applyGradients(averaged);
  tf.dispose(averaged);
  const loss = value.dataSync()[0] as number;
  value.dispose();
  port.postMessage({ loss });
});
port.postMessage({ ready: paramCount });
