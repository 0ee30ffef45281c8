import * as tf from '@tensorflow/tfjs';
import { positiveNumber } from '../analysis/validation.js';
import { CLIP_EPSILON, sumOfSquares } from './sum-of-squares.js';

/**
 * Scales a set of gradients so their global norm is at most `maxNorm`:
 * `‖g‖ = √(Σ_i Σ g_i²)`, `g_i ← g_i · min(1, maxNorm / (‖g‖ + 1e-6))` (PyTorch's
 * `clip_grad_norm_`). Stays on the backend: no value is read back, so it can run every step.
 *
 * @param grads - Gradients by variable name (as from `tf.variableGrads`). Not disposed.
 * @param maxNorm - The largest global norm let through, > 0.
 * @returns The clipped gradients (new tensors) and the global norm before clipping (a scalar).
 * @throws RangeError if `maxNorm` is not a positive number.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { clipByGlobalNorm } from 'tiedformer';
 * const { grads, norm } = clipByGlobalNorm({ a: tf.tensor1d([3, 4]) }, 1);
 * norm.print(); // 5
 * grads.a?.print(); // [0.6, 0.8]
 * ```
 */
export function clipByGlobalNorm(
  grads: tf.NamedTensorMap,
  maxNorm: number,
): {
  /** The clipped gradients, by variable name. */
  grads: tf.NamedTensorMap;
  /** The global norm before clipping. */
  norm: tf.Scalar;
} {
  positiveNumber('clipByGlobalNorm', 'maxNorm', maxNorm);
  return tf.tidy(() => {
    const norm = tf.sqrt(sumOfSquares(Object.values(grads))) as tf.Scalar;
    const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, CLIP_EPSILON)));
    const clipped: tf.NamedTensorMap = {};
    for (const [name, g] of Object.entries(grads)) clipped[name] = tf.mul(g, scale);
    return { grads: clipped, norm };
  });
}
