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

/** `√(2/π)`, the slope of the tanh approximation at 0. */
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * Tanh-approximate GELU, `x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`: GPT-2's `gelu_new`,
 * Gemma's `gelu_pytorch_tanh`, PyTorch's `nn.GELU(approximate='tanh')`. It differs from the
 * exact {@link gelu} by at most 4.7·10⁻⁴ (at |x| ≈ 2.7, float64), enough to matter when a checkpoint
 * trained with one is run with the other.
 *
 * @param x - Any tensor.
 * @returns `GELU_tanh(x)`, same shape.
 * @see Hendrycks & Gimpel 2016, "Gaussian Error Linear Units" (equation of the approximation).
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { geluTanh } from 'tiedformer';
 * geluTanh(tf.tensor1d([-1, 0, 1])); // [-0.1588, 0, 0.8412]
 * ```
 */
export function geluTanh(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), SQRT_2_OVER_PI);
    return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
  });
}
