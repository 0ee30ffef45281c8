import type * as tf from '@tensorflow/tfjs';
import { fail, positiveInteger } from '../analysis/validation.js';
import { trainStep } from './train-step.js';

/**
 * What {@link train} reports after each step.
 * @example
 * ```ts
 * import type { TrainStepInfo } from 'tiedformer';
 * const log = ({ step, loss, gradientNorm }: TrainStepInfo) => console.log(step, loss, gradientNorm);
 * ```
 */
export interface TrainStepInfo {
  /** 0-based index of the step just taken (within this call). */
  step: number;
  /** The step's mean loss, before its update. */
  loss: number;
  /** Global gradient norm before clipping (only with `clipNorm`). */
  gradientNorm?: number;
}

/**
 * Options of {@link train}.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { AdamW, type TrainOptions } from 'tiedformer';
 * const options: TrainOptions = { optimizer: new AdamW(), batches: [tf.randomUniformInt([4, 17], 0, 100)], clipNorm: 1 };
 * ```
 */
export interface TrainOptions {
  /** The optimizer, e.g. an {@link AdamW} with a schedule. */
  optimizer: tf.Optimizer;
  /** Token batches `[rows, seq + 1]` (int32), one per micro-step; sync or async iterable. */
  batches: Iterable<tf.Tensor> | AsyncIterable<tf.Tensor>;
  /** Stop after this many optimizer steps. Default: when `batches` ends. */
  steps?: number;
  /** Micro-batches accumulated into each step. Default `1`. */
  accumulationSteps?: number;
  /** Clip gradients to this global norm. Default: no clipping. */
  clipNorm?: number;
  /** Called after every step (awaited): log, evaluate, checkpoint, stop by throwing. */
  onStep?: (info: TrainStepInfo) => void | Promise<void>;
  /** Dispose each batch after its step. Default `false` (the caller owns them). */
  disposeBatches?: boolean;
}

/**
 * A small training loop over the toolkit's pieces: takes `accumulationSteps` batches at a
 * time, runs {@link trainStep} (accumulated gradients, optional global-norm clipping, the
 * optimizer's update and schedule), reads the loss with `await data()` and calls `onStep`.
 * Everything it does can be written by hand from the same pieces; it adds nothing else.
 *
 * @param model - Maps int32 ids `[rows, seq]` to logits `[rows, seq, vocabSize]`.
 * @param options - Optimizer, data, steps, accumulation, clipping, callback (see {@link TrainOptions}).
 * @returns The loss of every step taken.
 * @throws RangeError on bad options or batches.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { AdamW, createCausalLM, train } from 'tiedformer';
 * const model = createCausalLM({ vocabSize: 100, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, head: 'tied' });
 * const batches = Array.from({ length: 8 }, () => tf.randomUniformInt([4, 17], 0, 100));
 * const { losses } = await train(model, {
 *   optimizer: new AdamW({ learningRate: { peak: 1e-2, warmupSteps: 2, totalSteps: 4 }, weightDecay: 0.1 }),
 *   batches,
 *   accumulationSteps: 2,
 *   clipNorm: 1,
 *   onStep: ({ step, loss }) => console.log(step, loss),
 * });
 * ```
 */
export async function train(
  model: tf.LayersModel,
  options: TrainOptions,
): Promise<{
  /** The loss of every step taken, in order. */
  losses: number[];
}> {
  const owner = 'train';
  if (typeof options !== 'object' || options === null) fail(owner, 'expected an options object');
  const accumulation = positiveInteger(owner, 'accumulationSteps', options.accumulationSteps ?? 1);
  const steps =
    options.steps === undefined
      ? Number.POSITIVE_INFINITY
      : positiveInteger(owner, 'steps', options.steps);
  const losses: number[] = [];
  let group: tf.Tensor[] = [];
  const run = async () => {
    const { loss, gradientNorm } = trainStep(
      model,
      options.optimizer,
      group.length === 1 ? (group[0] as tf.Tensor) : group,
      options.clipNorm === undefined ? {} : { clipNorm: options.clipNorm },
    );
    const [value, norm] = await Promise.all([loss.data(), gradientNorm?.data()]);
    loss.dispose();
    gradientNorm?.dispose();
    if (options.disposeBatches) for (const b of group) b.dispose();
    group = [];
    const info: TrainStepInfo = { step: losses.length, loss: value[0] as number };
    if (norm !== undefined) info.gradientNorm = norm[0] as number;
    losses.push(info.loss);
    await options.onStep?.(info);
  };
  if (losses.length < steps) {
    for await (const batch of options.batches) {
      group.push(batch);
      if (group.length === accumulation) await run();
      if (losses.length >= steps) break;
    }
  }
  // A last, partial group still trains: its micro-batches are weighted by their tokens.
  if (group.length > 0 && losses.length < steps) await run();
  return { losses };
}
