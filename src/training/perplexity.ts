import * as tf from '@tensorflow/tfjs';
import { sparseCategoricalCrossentropyFromLogits } from './sparse-categorical-crossentropy-from-logits.js';

/**
 * A metric for `model.compile`: the perplexity `exp(mean cross-entropy)` of a batch, with the
 * targets of {@link sparseCategoricalCrossentropyFromLogits}.
 *
 * tfjs averages a metric over the batches of an epoch, so the epoch's `perplexity` is the mean
 * of per-batch perplexities, which is ≥ `exp(epoch loss)` (Jensen); they agree when the epoch
 * is one batch. For the perplexity of a whole corpus use {@link evaluate}.
 *
 * @param yTrue - Target ids `[batch, seq]` or `[batch, seq, 1]`.
 * @param yPred - Logits `[batch, seq, vocabSize]`.
 * @returns `exp` of the batch's mean loss (a scalar).
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { perplexity } from 'tiedformer';
 * perplexity(tf.tensor2d([[1, 2]], [1, 2], 'int32'), tf.zeros([1, 2, 10])); // 10
 * ```
 */
export function perplexity(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.exp(sparseCategoricalCrossentropyFromLogits(yTrue, yPred)));
}
