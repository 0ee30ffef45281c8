import * as tf from '@tensorflow/tfjs';

/**
 * Exact GELU, `x·Φ(x) = x/2·(1 + erf(x/√2))` (PyTorch's default `nn.GELU()`, BERT).
 *
 * @param x - Any tensor.
 * @returns `GELU(x)`, same shape.
 * @see Hendrycks & Gimpel 2016, "Gaussian Error Linear Units".
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { gelu } from 'tiedformer';
 * gelu(tf.tensor1d([-1, 0, 1])); // [-0.1587, 0, 0.8413]
 * ```
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))));
}
