/**
 * One replica of {@link DataParallelTrainer} (a worker thread): builds the model, computes the
 * gradient of its shard of each batch, averages the gradients of all replicas through shared
 * memory and applies the same AdamW update, so the replicas stay identical without ever
 * sending weights.
 *
 * @module
 * @internal
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { createCausalLM } from '../models/create-causal-lm.js';
import { AdamW } from '../training/adamw.js';
import { createCheckpoint, restoreCheckpoint } from '../training/checkpoint.js';
import { checkpointFromBytes, checkpointToBytes } from '../training/checkpoint-bytes.js';
import { lossAndGradients } from '../training/loss-and-gradients.js';
import type { FromReplica, ReplicaInit, ToReplica } from './data-parallel-protocol.js';

const init = workerData as ReplicaInit;
if (!parentPort)
  throw new Error('[DataParallelTrainer] the replica script must run in a worker thread');
const port = parentPort;
const reply = (message: FromReplica, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);

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

// No top-level await: the CommonJS build of this script must compile too.
async function main(): Promise<void> {
  // The optional backends are optional peers: load only the one asked for.
  if (init.backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  // A variable specifier: tfjs-node is never a dependency, so nothing may resolve it statically.
  const tfjsNode = '@tensorflow/tfjs-node';
  if (init.backend === 'tensorflow') await import(/* @vite-ignore */ tfjsNode);
  if (!(await tf.setBackend(init.backend)))
    throw new Error(`[DataParallelTrainer] backend ${init.backend} could not be initialised`);
  await tf.ready();

  const model = createCausalLM(init.model);
  const optimizer = new AdamW(init.optimizer);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const trainable = variables.reduce((n, v) => n + v.size, 0);
  const total = model.weights.reduce(
    (n, w) => n + w.shape.reduce((a, b) => (a as number) * (b as number), 1)!,
    0,
  );
  let all: Float32Array;
  let mine: Float32Array;
  let sync: Int32Array;

  async function setup(message: Extract<ToReplica, { kind: 'setup' }>) {
    all = new Float32Array(message.gradients);
    mine = all.subarray(init.rank * trainable, (init.rank + 1) * trainable);
    sync = new Int32Array(message.barrier);
    if (message.checkpoint) {
      await restoreCheckpoint(model, optimizer, checkpointFromBytes(message.checkpoint));
      return;
    }
    // Without a seed every replica would start elsewhere: all take rank 0's initial weights.
    const shared = new Float32Array(message.weights);
    if (init.rank === 0) {
      let offset = 0;
      for (const w of model.getWeights()) {
        shared.set(await w.data(), offset);
        offset += w.size;
      }
    }
    waitForAll(sync, init.worldSize);
    if (init.rank !== 0) {
      let offset = 0;
      const values = model.weights.map((w) => {
        const size = w.shape.reduce((a, b) => (a as number) * (b as number), 1) as number;
        const t = tf.tensor(shared.slice(offset, offset + size), w.shape as number[]);
        offset += size;
        return t;
      });
      model.setWeights(values);
      tf.dispose(values);
    }
    waitForAll(sync, init.worldSize);
  }

  async function step(message: Extract<ToReplica, { kind: 'step' }>): Promise<number> {
    const length = message.tokens.length / message.rows;
    const tokens = tf.tensor2d(message.tokens, [message.rows, length], 'int32');
    const { loss, grads } = lossAndGradients(model, tokens);
    tokens.dispose();
    let offset = 0;
    for (const v of variables) {
      mine.set(await (grads[v.name] as tf.Tensor).data(), offset);
      offset += v.size;
    }
    tf.dispose(Object.values(grads));
    waitForAll(sync, init.worldSize);
    // Equal shards, mean loss per shard: the mean of the replicas' gradients is the full batch's.
    const averaged: tf.NamedTensorMap = {};
    offset = 0;
    for (const v of variables) {
      const start = offset;
      // Summed on the backend: a JS loop over the shared buffer took ~70 ms a step for config B.
      averaged[v.name] = tf.tidy(() => {
        const parts = Array.from({ length: init.worldSize }, (_, r) => {
          const from = r * trainable + start;
          return tf.tensor(all.subarray(from, from + v.size), v.shape);
        });
        return tf.mul(tf.addN(parts), 1 / init.worldSize);
      });
      offset += v.size;
    }
    // Nobody overwrites a slot until every replica has read them all.
    waitForAll(sync, init.worldSize);
    optimizer.applyGradients(averaged);
    tf.dispose(Object.values(averaged));
    const value = (await loss.data())[0] as number;
    loss.dispose();
    return value;
  }

  port.on('message', async (message: ToReplica) => {
    try {
      if (message.kind === 'setup') {
        await setup(message);
        reply({ kind: 'setup' });
      } else if (message.kind === 'step') {
        reply({ kind: 'step', loss: await step(message) });
      } else {
        const bytes = checkpointToBytes(await createCheckpoint(model, optimizer, message.metadata));
        reply({ kind: 'checkpoint', bytes }, [bytes.buffer as ArrayBuffer]);
      }
    } catch (error) {
      reply({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  });
  reply({ kind: 'ready', trainable, total, vocabSize: init.model.vocabSize });
}

main().catch((error: unknown) => {
  reply({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
});
