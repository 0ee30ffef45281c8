import * as tf from '@tensorflow/tfjs';
import { knownOptions } from '../analysis/known-options.js';
import { orthonormalizeRows } from '../analysis/orthonormal-rows.js';
import { nonNegativeInteger, positiveNumber } from '../analysis/validation.js';
import { type Initializer, InitializerBase } from './initializer-base.js';

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
 * Random orthogonal init, serializable as `tiedformer>Orthogonal`: a Haar-random matrix with
 * orthonormal rows or columns (whichever are fewer), times `gain`. Computed in plain
 * JavaScript: tfjs' own orthogonal initializer runs a QR decomposition op by op and takes
 * seconds for a 256×256 matrix on the cpu backend; this takes milliseconds.
 *
 * @example
 * ```ts
 * import { Orthogonal } from 'tiedformer';
 * const w = new Orthogonal({ gain: 1, seed: 1 }).apply([64, 64]); // wᵀw = I
 * ```
 */
export class Orthogonal extends InitializerBase {
  /** Registered class name (prefixed: tfjs registers its own `Orthogonal`). */
  static readonly className = 'tiedformer>Orthogonal';
  /** Multiplier. */
  readonly gain: number;
  /** Random seed, if any. */
  readonly seed: number | undefined;

  /**
   * @param args - Gain and seed.
   * @example
   * ```ts
   * import { Orthogonal } from 'tiedformer';
   * new Orthogonal({ gain: 2 }).gain; // 2
   * ```
   */
  constructor(args: OrthogonalArgs = {}) {
    super();
    knownOptions('orthogonal', args, ['gain', 'seed']);
    this.gain = positiveNumber('orthogonal', 'gain', args.gain ?? 1);
    this.seed =
      args.seed === undefined ? undefined : nonNegativeInteger('orthogonal', 'seed', args.seed);
  }

  /** Draws a `[rows, cols]` matrix (leading axes, if any, are folded into rows). */
  apply(shape: number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    if (shape.length < 2)
      throw new RangeError(`[orthogonal] needs a shape of rank ≥ 2, got [${shape}]`);
    const cols = shape[shape.length - 1] as number;
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    // Orthonormal rows of the wide orientation [k, m], k ≤ m; transposed back if tall.
    const tall = rows > cols;
    const [k, m] = tall ? [cols, rows] : [rows, cols];
    const gaussian = tf.tidy(() => tf.randomNormal([k, m], 0, 1, 'float32', this.seed).dataSync());
    const a = Float64Array.from(gaussian);
    orthonormalizeRows(a, k, m);
    return tf.tidy(() => {
      const q = tf.tensor2d(
        Float32Array.from(a, (v) => v * this.gain),
        [k, m],
        dtype as 'float32',
      );
      return tf.reshape(tall ? tf.transpose(q) : q, shape);
    });
  }

  /** The constructor arguments. */
  override getConfig(): tf.serialization.ConfigDict {
    return { gain: this.gain, ...(this.seed === undefined ? {} : { seed: this.seed }) };
  }
}
tf.serialization.registerClass(Orthogonal);

/**
 * Orthogonal initializer (Saxe et al. 2014): a random orthogonal matrix times `gain`. Used by
 * the orthogonal projection head, where a random rotation makes the input token's own logit
 * vanish at init (remedy 3 of docs/theory.md §4). See {@link Orthogonal}.
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
  return new Orthogonal(args);
}
