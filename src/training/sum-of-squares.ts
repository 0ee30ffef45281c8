import * as tf from '@tensorflow/tfjs';

/**
 * The constant added to the global norm when clipping, `min(1, maxNorm / (‖g‖ + ε))`
 * (PyTorch's `clip_grad_norm_` uses the same 1e-6). @internal
 */
export const CLIP_EPSILON = 1e-6;

/**
 * `Σ_i Σ g_i²` over a set of tensors, summed on the backend: each tensor's squares, then the
 * tensors' sums added in order (0 for none). The one sum of {@link clipByGlobalNorm} and of a
 * data-parallel replica's share of the global norm, so both round alike.
 * @param tensors - The gradients. Not disposed.
 * @returns A float32 scalar; the caller owns it.
 * @internal
 */
export function sumOfSquares(tensors: tf.Tensor[]): tf.Scalar {
  return tf.tidy(() =>
    tensors.length === 0 ? tf.scalar(0) : tf.addN(tensors.map((g) => tf.sum(tf.square(g)))),
  ) as tf.Scalar;
}
