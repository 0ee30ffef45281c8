import * as tf from '@tensorflow/tfjs';
import { sparseSoftmaxCrossEntropy } from '../backend/sparse-cross-entropy.js';
import { checkTokens, splitTokens } from './split-tokens.js';

/**
 * The mean next-token loss of a batch and its gradient with respect to every trainable
 * variable of `model`. Given several micro-batches it accumulates: it runs them one at a time
 * (peak memory of one micro-batch) and returns the token-weighted mean of their losses and
 * gradients, `Σ_i (n_i / N) · ∇L_i` with `n_i` predicted tokens in micro-batch `i` — the same
 * numbers as one pass over all of them, up to float rounding.
 *
 * @param model - Maps int32 ids `[rows, seq]` to logits `[rows, seq, vocabSize]`.
 * @param batches - Token rows `[rows, seq + 1]` (int32), or an array of such micro-batches.
 * @returns The loss (a scalar) and the gradients keyed by variable name; the caller disposes both.
 * @throws RangeError on a batch that is not `[rows, seq + 1]` int32.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { AdamW, clipByGlobalNorm, createCausalLM, lossAndGradients } from 'tiedformer';
 * const model = createCausalLM({ vocabSize: 100, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, head: 'tied' });
 * const optimizer = new AdamW({ learningRate: 1e-3 });
 * const micro = [tf.randomUniformInt([2, 9], 0, 100), tf.randomUniformInt([2, 9], 0, 100)];
 * const { loss, grads } = lossAndGradients(model, micro);
 * const clipped = clipByGlobalNorm(grads, 1);
 * optimizer.applyGradients(clipped.grads);
 * tf.dispose([loss, clipped.norm, ...Object.values(grads), ...Object.values(clipped.grads)]);
 * ```
 */
export function lossAndGradients(
  model: tf.LayersModel,
  batches: tf.Tensor | tf.Tensor[],
): {
  /** The (token-weighted) mean loss. */
  loss: tf.Scalar;
  /** The gradient of every trainable variable, by variable name. */
  grads: tf.NamedTensorMap;
} {
  const owner = 'lossAndGradients';
  const list = Array.isArray(batches) ? batches : [batches];
  if (list.length === 0) throw new RangeError(`[${owner}] needs at least one batch`);
  const counts = list.map((b) => {
    const [rows, length] = checkTokens(owner, b);
    return rows * (length - 1);
  });
  const total = counts.reduce((a, b) => a + b, 0);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let loss: tf.Scalar | undefined;
  let grads: tf.NamedTensorMap | undefined;
  list.forEach((batch, i) => {
    const weight = (counts[i] as number) / total;
    const next = tf.tidy(() => {
      const { inputs, targets } = splitTokens(owner, batch);
      const { value, grads: g } = tf.variableGrads(
        () => sparseSoftmaxCrossEntropy(targets, model.apply(inputs) as tf.Tensor),
        variables,
      );
      if (list.length === 1) return { value, g };
      const scaled: tf.NamedTensorMap = {};
      for (const [name, t] of Object.entries(g)) {
        const previous = grads?.[name];
        scaled[name] = previous ? tf.add(previous, tf.mul(t, weight)) : tf.mul(t, weight);
      }
      const v = tf.mul(value, weight);
      return { value: (loss ? tf.add(loss, v) : v) as tf.Scalar, g: scaled };
    });
    tf.dispose([...(loss ? [loss] : []), ...Object.values(grads ?? {})]);
    loss = next.value;
    grads = next.g;
  });
  return { loss: loss as tf.Scalar, grads: grads as tf.NamedTensorMap };
}
