/**
 * One replica of {@link DataParallelTrainer} (a worker thread): builds the model, computes the
 * gradient of its shard of each batch and shares it through shared memory. The variables are
 * split between the replicas (balanced by size): each replica averages the gradients of its
 * own variables only, clips them by the global norm (the replicas add up their partial sums
 * of squares), applies AdamW to them and shares their new values, which the others copy in.
 * So the update's work is divided rather than repeated, and the replicas stay identical.
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
import { CLIP_EPSILON, sumOfSquares } from '../training/sum-of-squares.js';
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
  // Clipping needs the global norm over every replica's variables, so it is done here, not
  // by the optimizer; the checkpoint still records the options the user gave (below).
  const { clipNorm, ...unclipped } = init.optimizer;
  const optimizer = new AdamW(unclipped);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  // Each variable's place in a flattened gradient (and in the shared values and slots).
  const offsets: number[] = [];
  let trainable = 0;
  for (const v of variables) {
    offsets.push(trainable);
    trainable += v.size;
  }
  // Each variable's owner: largest first, to the replica with the fewest values so far (ties
  // to the lower rank). The same on every replica: they build the same model.
  const owner = new Array<number>(variables.length);
  const load = new Array<number>(init.worldSize).fill(0);
  [...variables.keys()]
    .sort(
      (a, b) => (variables[b] as tf.Variable).size - (variables[a] as tf.Variable).size || a - b,
    )
    .forEach((i) => {
      const rank = load.indexOf(Math.min(...load));
      owner[i] = rank;
      load[rank] = (load[rank] as number) + (variables[i] as tf.Variable).size;
    });
  const own = [...variables.keys()].filter((i) => owner[i] === init.rank);
  const others = [...variables.keys()].filter((i) => owner[i] !== init.rank);
  const total = model.weights.reduce(
    (n, w) => n + w.shape.reduce((a, b) => (a as number) * (b as number), 1)!,
    0,
  );
  let all: Float32Array;
  let mine: Float32Array;
  let sync: Int32Array;
  let shared: Float32Array; // updated variables, at gradient offsets
  let slots: Float32Array; // [m of every variable, v of every variable]
  let norms: Float64Array;

  async function setup(message: Extract<ToReplica, { kind: 'setup' }>) {
    all = new Float32Array(message.gradients);
    mine = all.subarray(init.rank * trainable, (init.rank + 1) * trainable);
    sync = new Int32Array(message.barrier);
    shared = new Float32Array(message.weights);
    slots = new Float32Array(message.slots);
    norms = new Float64Array(message.norms);
    if (message.checkpoint) {
      await restoreCheckpoint(model, optimizer, checkpointFromBytes(message.checkpoint));
      return;
    }
    // Without a seed every replica would start elsewhere: all take rank 0's initial weights.
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
    for (const [i, v] of variables.entries())
      mine.set(await (grads[v.name] as tf.Tensor).data(), offsets[i] as number);
    tf.dispose(Object.values(grads));
    waitForAll(sync, init.worldSize);
    // Equal shards, mean loss per shard: the mean of the replicas' gradients is the full
    // batch's. Each replica averages its own variables' in place, in its own part of the shared
    // buffer (no other replica reads that part of it before the next step): plain JS, ~10 ms
    // for half of config B, where summing on the backend took 10–25 ms.
    const inverse = 1 / init.worldSize;
    const averaged: tf.NamedTensorMap = {};
    for (const i of own) {
      const v = variables[i] as tf.Variable;
      const start = offsets[i] as number;
      const end = start + v.size;
      for (let r = 0; r < init.worldSize; r++) {
        if (r === init.rank) continue;
        const from = r * trainable;
        for (let j = start; j < end; j++) mine[j] = (mine[j] as number) + (all[from + j] as number);
      }
      for (let j = start; j < end; j++) mine[j] = Math.fround((mine[j] as number) * inverse);
      averaged[v.name] = tf.tensor(mine.subarray(start, end), v.shape);
    }
    if (clipNorm !== undefined) {
      // clipByGlobalNorm over all replicas' variables: the partial sums of squares, added in
      // rank order, so every replica gets the same norm. Each partial is summed on the backend
      // by the code clipByGlobalNorm uses (sumOfSquares): a float64 sum in JS is closer to the
      // exact norm but further from one process (config B, 26 steps: losses 4.4e-5 apart
      // instead of a few 1e-6).
      const partial = sumOfSquares(Object.values(averaged));
      norms[init.rank] = (await partial.data())[0] as number;
      partial.dispose();
      waitForAll(sync, init.worldSize);
      let squares = 0;
      for (let r = 0; r < init.worldSize; r++) squares += norms[r] as number;
      const scale = Math.min(1, clipNorm / (Math.sqrt(squares) + CLIP_EPSILON));
      for (const [name, g] of Object.entries(averaged)) {
        averaged[name] = tf.mul(g, scale);
        g.dispose();
      }
    }
    // Every replica updates the same step count, its own variables only.
    optimizer.applyGradients(averaged);
    tf.dispose(Object.values(averaged));
    for (const i of own)
      shared.set(await (variables[i] as tf.Variable).data(), offsets[i] as number);
    waitForAll(sync, init.worldSize);
    for (const i of others) {
      const v = variables[i] as tf.Variable;
      const start = offsets[i] as number;
      tf.tidy(() => v.assign(tf.tensor(shared.subarray(start, start + v.size), v.shape)));
    }
    // Nobody overwrites the shared values until every replica has read them: the next write
    // comes after the next step's first barrier, which no replica passes before reading. (On
    // the cpu backend the variable keeps a view of the shared values, as tfjs keeps a typed
    // array it is given; the owner's next write comes after this replica's next forward and
    // backward pass, the only reads of the variable until it is assigned again.)
    const value = (await loss.data())[0] as number;
    loss.dispose();
    return value;
  }

  /**
   * A checkpoint with the whole optimizer state: every replica shares its variables' slots,
   * rank 0 takes them all and records the options the user gave (clipping included).
   */
  async function checkpoint(metadata: Record<string, unknown>): Promise<Uint8Array | undefined> {
    const state = await optimizer.getWeights();
    const byName = new Map(state.map((s) => [s.name, s.tensor]));
    for (const i of own) {
      const v = variables[i] as tf.Variable;
      const moments = [byName.get(`${v.name}/m`), byName.get(`${v.name}/v`)];
      for (const [k, slot] of moments.entries()) {
        const at = k * trainable + (offsets[i] as number); // m, then v
        // Before the first step there are no slots: zeros, as AdamW starts them.
        if (slot) slots.set(await slot.data(), at);
        else slots.fill(0, at, at + v.size);
      }
    }
    const iter = byName.get('iter');
    const steps = iter ? ((await iter.data())[0] as number) : 0;
    iter?.dispose();
    waitForAll(sync, init.worldSize);
    let bytes: Uint8Array | undefined;
    if (init.rank === 0) {
      const full = new AdamW(init.optimizer);
      const at = (from: number, v: tf.Variable) =>
        tf.tensor(slots.slice(from, from + v.size), v.shape);
      const m = variables.map((v, i) => ({
        name: `${v.name}/m`,
        tensor: at(offsets[i] as number, v),
      }));
      const v2 = variables.map((v, i) => ({
        name: `${v.name}/v`,
        tensor: at(trainable + (offsets[i] as number), v),
      }));
      const iterTensor = tf.scalar(steps, 'int32');
      const iterSlot = { name: 'iter', tensor: iterTensor };
      await full.setWeights(steps === 0 ? [iterSlot] : [iterSlot, ...m, ...v2]);
      bytes = checkpointToBytes(await createCheckpoint(model, full, metadata));
      full.dispose();
      tf.dispose([iterTensor, ...m.map((x) => x.tensor), ...v2.map((x) => x.tensor)]);
    }
    // Nobody writes the slots again before rank 0 has read them.
    waitForAll(sync, init.worldSize);
    return bytes;
  }

  port.on('message', async (message: ToReplica) => {
    try {
      if (message.kind === 'setup') {
        await setup(message);
        reply({ kind: 'setup' });
      } else if (message.kind === 'step') {
        reply({ kind: 'step', loss: await step(message) });
      } else {
        const bytes = (await checkpoint(message.metadata)) ?? new Uint8Array(0);
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
