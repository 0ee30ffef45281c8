import * as tf from '@tensorflow/tfjs';
import { idRangeGuard } from './id-range-guard.js';

/**
 * Mean softmax cross-entropy with integer labels, in nats:
 * `mean_t( logsumexp(z_t) − z_t[label_t] )`.
 *
 * Fused: the gradient with respect to the logits is `(softmax(z) − onehot(label)) / T`,
 * computed in one custom gradient, so no one-hot `[tokens, vocab]` tensor is built in the
 * forward pass and no `gather` gradient (missing on wasm) is needed. Labels are range-checked
 * without reading them back to JavaScript: on cpu and wasm a label outside `[0, vocabSize)`
 * throws; on the other backends (webgl, webgpu, tensorflow) it makes the loss NaN.
 *
 * @param labels - int32 labels, shape `[...]`.
 * @param logits - float32 logits, shape `[..., vocabSize]`.
 * @returns A scalar: the mean loss over all labels.
 * @throws RangeError if shapes disagree or labels are not int32; on cpu and wasm also if a label
 * is outside `[0, vocabSize)`.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { sparseSoftmaxCrossEntropy } from 'tiedformer';
 * const logits = tf.zeros([2, 3, 10]);
 * const labels = tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], 'int32');
 * sparseSoftmaxCrossEntropy(labels, logits); // ln 10 ≈ 2.3026
 * ```
 */
export function sparseSoftmaxCrossEntropy(labels: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  for (const [name, value] of [
    ['labels', labels],
    ['logits', logits],
  ] as const)
    if (!(value instanceof tf.Tensor))
      throw new RangeError(
        `[sparseSoftmaxCrossEntropy] ${name} must be a tensor, got ${String(value)}`,
      );
  const vocabSize = logits.shape[logits.rank - 1] as number;
  const owner = '[sparseSoftmaxCrossEntropy]';
  if (labels.dtype !== 'int32')
    throw new RangeError(`${owner} labels must be int32, got ${labels.dtype}`);
  if (labels.rank !== logits.rank - 1 || labels.shape.some((n, i) => n !== logits.shape[i])) {
    throw new RangeError(
      `${owner} labels [${labels.shape}] must match logits [${logits.shape}] without its last axis`,
    );
  }
  const count = labels.size;
  if (count === 0)
    throw new RangeError(`${owner} labels must not be empty, got shape [${labels.shape}]`);
  // Range check without a read back to JavaScript (it would stall webgl/webgpu every step):
  // cpu and wasm throw here; elsewhere a bad label makes the loss NaN.
  const poison = idRangeGuard('sparseSoftmaxCrossEntropy', 'label', labels, vocabSize);
  const loss = tf.customGrad(((z: tf.Tensor, save: tf.GradSaveFunc) => {
    const flatLabels = tf.reshape(labels, [count]);
    const flat = tf.reshape(z, [count, vocabSize]); // [T, n]
    // One exp over [T, n], kept as the softmax the gradient needs (tf.logSumExp would exp once
    // here and the gradient a second time).
    const maxima = tf.max(flat, -1, true); // [T, 1]
    const exps = tf.exp(tf.sub(flat, maxima)); // [T, n]
    const sums = tf.sum(exps, -1, true); // [T, 1]
    const logSumExp = tf.reshape(tf.add(tf.log(sums), maxima), [count]); // [T]
    // z[t, label_t] through a flat gather at t·n + label_t: no gradient is taken through it.
    const positions = tf.add(
      tf.mul(tf.range(0, count, 1, 'int32'), tf.scalar(vocabSize, 'int32')),
      flatLabels,
    );
    const picked = tf.gather(tf.reshape(flat, [-1]), positions); // [T]
    // The softmax itself is formed in the gradient: a forward pass without a tape (evaluation)
    // skips the [T, n] division.
    save([exps, sums, flatLabels]);
    return {
      value: poison
        ? tf.add(tf.mean(tf.sub(logSumExp, picked)), tf.sum(poison))
        : tf.mean(tf.sub(logSumExp, picked)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedExps, savedSums, savedLabels] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const probs = tf.div(savedExps, savedSums); // softmax, [T, n]
        const grad = tf.sub(probs, tf.oneHot(savedLabels, vocabSize));
        return tf.reshape(tf.mul(grad, tf.div(dy, count)), z.shape);
      },
    };
  }) as Parameters<typeof tf.customGrad>[0]);
  const value = loss(logits) as tf.Scalar;
  poison?.dispose();
  return value;
}
