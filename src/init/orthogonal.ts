import * as tf from '@tensorflow/tfjs';
import { nonNegativeInteger, positiveNumber } from '../analysis/validation.js';
import type { Initializer } from './initializer-base.js';

/**
 * Options of {@link orthogonal}.
 *
 * @example
 * ```ts
 * import type { OrthogonalArgs } from 'tiedformer';
 * const args: OrthogonalArgs = { gain: 1, seed: 3 };
 * ```
 */
export interface OrthogonalArgs {
  /** Multiplier of the orthogonal matrix. Default `1`. */
  gain?: number;
  /** Random seed (non-negative integer); unseeded if omitted. */
  seed?: number;
}

/**
 * Orthogonal initializer (Saxe et al. 2014): a random orthogonal matrix times `gain`. Used by
 * the orthogonal projection head, where a random rotation makes the input token's own logit
 * vanish at init (THEORY.md section 3, remedy 3). Serializes as tfjs' own `Orthogonal`.
 *
 * @param args - Gain and an optional seed.
 * @returns A serializable tfjs initializer.
 * @throws RangeError on a non-positive gain.
 * @example
 * ```ts
 * import { orthogonal } from 'tiedformer';
 * const w = orthogonal({ gain: 1, seed: 1 }).apply([16, 16]); // wᵀw ≈ I
 * ```
 */
export function orthogonal(args: OrthogonalArgs = {}): Initializer {
  const gain = positiveNumber('orthogonal', 'gain', args.gain ?? 1);
  const seed =
    args.seed === undefined ? undefined : nonNegativeInteger('orthogonal', 'seed', args.seed);
  return tf.initializers.orthogonal({ gain, ...(seed === undefined ? {} : { seed }) });
}
