import * as tf from '@tensorflow/tfjs';
import { sparseSoftmaxCrossEntropy } from '../backend/sparse-cross-entropy.js';

/**
 * The next-token loss for `model.compile`: mean softmax cross-entropy, in nats, of logits
 * against integer targets, `mean_t( logsumexp(z_t) − z_t[y_t] )`, without a one-hot tensor
 * (it runs the fused {@link sparseSoftmaxCrossEntropy}).
 *
 * Targets: token ids `[batch, seq]` (int32, or float32 holding whole numbers, which are cast),
 * or the same with a trailing axis of 1, `[batch, seq, 1]`. tfjs' `model.fit(x, y)` checks a
 * custom loss's targets against the output shape `[batch, seq, vocabSize]` and rejects both
 * forms, so train through `model.fitDataset` (no such check) or {@link fitSparse}, which
 * wraps tensors in a dataset.
 *
 * @param yTrue - Target ids `[batch, seq]` or `[batch, seq, 1]`.
 * @param yPred - Logits `[batch, seq, vocabSize]`.
 * @returns The mean loss over all targets (a scalar).
 * @throws RangeError if the shapes disagree or an id is outside `[0, vocabSize)`.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { createCausalLM, perplexity, sparseCategoricalCrossentropyFromLogits } from 'tiedformer';
 * const model = createCausalLM({ vocabSize: 100, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, head: 'tied' });
 * model.compile({ optimizer: 'adam', loss: sparseCategoricalCrossentropyFromLogits, metrics: [perplexity] });
 * ```
 */
export function sparseCategoricalCrossentropyFromLogits(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
): tf.Scalar {
  return tf.tidy(() => {
    let ids = yTrue;
    // [batch, seq, 1] → [batch, seq]: the form tfjs' own sparse loss expects.
    if (ids.rank === yPred.rank && ids.shape[ids.rank - 1] === 1) ids = tf.squeeze(ids, [-1]);
    if (ids.dtype !== 'int32') ids = tf.cast(ids, 'int32');
    return sparseSoftmaxCrossEntropy(ids, yPred);
  });
}
