import * as tf from '@tensorflow/tfjs';
import { clipByGlobalNorm } from './clip-by-global-norm.js';
import { lossAndGradients } from './loss-and-gradients.js';

/**
 * Options of {@link trainStep}.
 * @example
 * ```ts
 * import type { TrainStepOptions } from 'tiedformer';
 * const options: TrainStepOptions = { clipNorm: 1 };
 * ```
 */
export interface TrainStepOptions {
  /** Clip the (accumulated) gradients to this global norm before the update. Default: no clipping. */
  clipNorm?: number;
}

/**
 * One optimizer step: {@link lossAndGradients} over the batch (or the micro-batches, which
 * accumulates), optional {@link clipByGlobalNorm}, then `optimizer.applyGradients`. Reads no
 * value back, so steps queue up on GPU backends.
 *
 * @param model - Maps int32 ids `[rows, seq]` to logits `[rows, seq, vocabSize]`.
 * @param optimizer - Any tfjs optimizer, e.g. {@link AdamW}.
 * @param batches - Token rows `[rows, seq + 1]`, or an array of micro-batches.
 * @param options - Clipping (see {@link TrainStepOptions}).
 * @returns The batch's mean loss before the update (a scalar the caller disposes) and, when
 *   clipping, the global gradient norm before clipping.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { AdamW, createCausalLM, trainStep } from 'tiedformer';
 * const model = createCausalLM({ vocabSize: 100, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, head: 'tied' });
 * const optimizer = new AdamW({ learningRate: 1e-3 });
 * const { loss } = trainStep(model, optimizer, tf.randomUniformInt([4, 17], 0, 100), { clipNorm: 1 });
 * console.log((await loss.data())[0]);
 * loss.dispose();
 * ```
 */
export function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  batches: tf.Tensor | tf.Tensor[],
  options: TrainStepOptions = {},
): {
  /** The mean loss before the update. */
  loss: tf.Scalar;
  /** The global gradient norm before clipping (only with `clipNorm`). */
  gradientNorm?: tf.Scalar;
} {
  const { loss, grads } = lossAndGradients(model, batches);
  if (options.clipNorm === undefined) {
    optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
    return { loss };
  }
  const clipped = clipByGlobalNorm(grads, options.clipNorm);
  tf.dispose(Object.values(grads));
  optimizer.applyGradients(clipped.grads);
  tf.dispose(Object.values(clipped.grads));
  return { loss, gradientNorm: clipped.norm };
}
