import * as tf from '@tensorflow/tfjs';
import { fail } from '../analysis/validation.js';

/**
 * Encoded tensors: tfjs' weight specs and the bytes they describe.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import type { EncodedTensors } from 'tiedformer';
 * const encoded: EncodedTensors = await tf.io.encodeWeights([{ name: 'w', tensor: tf.ones([2]) }]);
 * ```
 */
export interface EncodedTensors {
  /** One entry per tensor, in order (name, shape, dtype). */
  specs: tf.io.WeightsManifestEntry[];
  /** The concatenated tensor bytes. */
  data: ArrayBuffer;
}

/**
 * A training checkpoint: the model's weights and the optimizer's state (step count, moment
 * slots), platform-neutral (plain data and `ArrayBuffer`s). Make one with
 * {@link createCheckpoint}, restore it with {@link restoreCheckpoint}, turn it into bytes with
 * {@link checkpointToBytes}; `tiedformer/node` writes it to a file.
 * @example
 * ```ts
 * import { AdamW, type Checkpoint, createCausalLM, createCheckpoint } from 'tiedformer';
 * const model = createCausalLM({ vocabSize: 100, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, head: 'tied' });
 * const checkpoint: Checkpoint = await createCheckpoint(model, new AdamW(), { epoch: 1 });
 * console.log(checkpoint.step, checkpoint.metadata);
 * ```
 */
export interface Checkpoint {
  /** Format tag and version. */
  format: 'tiedformer-checkpoint/1';
  /** Optimizer updates applied when it was taken. */
  step: number;
  /** `model.weights` in order (the tied `E` once). */
  weights: EncodedTensors;
  /** The optimizer's class, config and `getWeights()`, slots renamed `#<i>/<slot>` by trainable-weight index. */
  optimizer: {
    /** tfjs class name (`'AdamW'`, `'Adam'`, ...). */
    className: string;
    /** Its `getConfig()`. */
    config: tf.serialization.ConfigDict;
    /** Its `getWeights()`, encoded. */
    state: EncodedTensors;
  };
  /** Anything else the caller wants back (data position, epoch, seeds). */
  metadata: Record<string, unknown>;
}

/** Registered variable name → index among the model's trainable weights. */
function trainableIndex(model: tf.LayersModel): Map<string, number> {
  return new Map(model.trainableWeights.map((w, i) => [(w.read() as tf.Variable).name, i]));
}

/**
 * Captures the model's weights and the optimizer's full state. Optimizer slots are stored by
 * the position of their variable in `model.trainableWeights`, not by tfjs' variable name,
 * which changes when several models live in one process (`_1` suffixes).
 *
 * @param model - The model being trained.
 * @param optimizer - Its optimizer ({@link AdamW} or any tfjs optimizer with `getWeights`).
 * @param metadata - Extra JSON-able state to store alongside. Default `{}`.
 * @returns The checkpoint (owns no tensors).
 * @throws RangeError if an optimizer slot belongs to no trainable weight of `model`.
 * @example
 * ```ts
 * import { AdamW, createCausalLM, createCheckpoint, restoreCheckpoint } from 'tiedformer';
 * const opts = { vocabSize: 100, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, head: 'tied' as const };
 * const model = createCausalLM(opts);
 * const optimizer = new AdamW({ learningRate: 1e-3 });
 * const checkpoint = await createCheckpoint(model, optimizer, { epoch: 3 });
 * // later, or in another process:
 * const resumed = createCausalLM(opts);
 * const resumedOptimizer = new AdamW({ learningRate: 1e-3 });
 * await restoreCheckpoint(resumed, resumedOptimizer, checkpoint);
 * ```
 */
export async function createCheckpoint(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  metadata: Record<string, unknown> = {},
): Promise<Checkpoint> {
  const index = trainableIndex(model);
  const weights = await tf.io.encodeWeights(
    model.weights.map((w, i) => ({ name: `${i}:${w.originalName}`, tensor: w.read() })),
  );
  const slots = await optimizer.getWeights();
  const renamed = slots.map(({ name, tensor }) => {
    if (name === 'iter') return { name, tensor };
    const cut = name.lastIndexOf('/');
    const i = index.get(name.slice(0, cut));
    if (i === undefined)
      fail(
        'createCheckpoint',
        `optimizer slot ${name} belongs to no trainable weight of the model`,
      );
    return { name: `#${i}${name.slice(cut)}`, tensor };
  });
  const state = await tf.io.encodeWeights(renamed);
  const iter = slots.find((s) => s.name === 'iter');
  const step = iter ? ((await iter.tensor.data())[0] as number) : optimizer.iterations;
  // tfjs' own optimizers return a fresh iteration scalar; AdamW too.
  if (iter) iter.tensor.dispose();
  return {
    format: 'tiedformer-checkpoint/1',
    step,
    weights,
    optimizer: {
      className: (optimizer.constructor as unknown as { className: string }).className,
      config: optimizer.getConfig(),
      state,
    },
    metadata,
  };
}

/**
 * Loads a checkpoint's weights into `model` (by position, checking shapes) and its state into
 * `optimizer`, so training continues exactly where it stopped: same weights, moments, step
 * count and learning-rate schedule position.
 *
 * @param model - A model of the same architecture (any variable names).
 * @param optimizer - An optimizer of the same class as the one checkpointed.
 * @param checkpoint - What {@link createCheckpoint} returned.
 * @throws RangeError on another format, optimizer class, weight count or shape.
 * @example
 * ```ts
 * import { AdamW, createCausalLM, createCheckpoint, restoreCheckpoint } from 'tiedformer';
 * const opts = { vocabSize: 100, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, head: 'tied' as const };
 * const checkpoint = await createCheckpoint(createCausalLM(opts), new AdamW());
 * await restoreCheckpoint(createCausalLM(opts), new AdamW(), checkpoint);
 * ```
 */
export async function restoreCheckpoint(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  checkpoint: Checkpoint,
): Promise<void> {
  const owner = 'restoreCheckpoint';
  if (checkpoint?.format !== 'tiedformer-checkpoint/1')
    fail(owner, `not a tiedformer checkpoint (format ${String(checkpoint?.format)})`);
  const className = (optimizer.constructor as unknown as { className: string }).className;
  if (className !== checkpoint.optimizer.className)
    fail(
      owner,
      `checkpoint holds ${checkpoint.optimizer.className} state, got a ${className} optimizer`,
    );
  const specs = checkpoint.weights.specs;
  if (specs.length !== model.weights.length)
    fail(owner, `checkpoint has ${specs.length} weights, the model ${model.weights.length}`);
  specs.forEach((spec, i) => {
    const shape = model.weights[i]?.shape as number[];
    if (spec.shape.join() !== shape.join())
      fail(owner, `weight ${i} (${spec.name}) has shape [${spec.shape}], the model's [${shape}]`);
  });
  const values = tf.io.decodeWeights(checkpoint.weights.data, specs);
  const tensors = specs.map((s) => values[s.name] as tf.Tensor);
  model.setWeights(tensors);
  tf.dispose(tensors);
  const trainable = model.trainableWeights.map((w) => (w.read() as tf.Variable).name);
  const stateSpecs = checkpoint.optimizer.state.specs;
  const state = tf.io.decodeWeights(checkpoint.optimizer.state.data, stateSpecs);
  const named = stateSpecs.map(({ name }) => {
    const tensor = state[name] as tf.Tensor;
    if (name === 'iter') return { name, tensor };
    const match = /^#(\d+)(\/.*)$/.exec(name);
    const variable = match ? trainable[Number(match[1])] : undefined;
    if (match === null || variable === undefined)
      fail(owner, `optimizer slot ${name} has no trainable weight in the model`);
    return { name: `${variable}${match[2]}`, tensor };
  });
  await optimizer.setWeights(named);
  // setWeights copies (AdamW) or wraps (tfjs' optimizers make variables from) the tensors;
  // the decoded originals are ours to free either way.
  tf.dispose(named.map((n) => n.tensor));
}
