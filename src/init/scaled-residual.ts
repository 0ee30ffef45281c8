import * as tf from '@tensorflow/tfjs';
import { knownOptions } from '../analysis/known-options.js';
import { nonNegativeInteger, positiveInteger, positiveNumber } from '../analysis/validation.js';
import { type Initializer, InitializerBase } from './initializer-base.js';

/**
 * Options of {@link scaledResidual}.
 *
 * @example
 * ```ts
 * import type { ScaledResidualArgs } from 'tiedformer';
 * const args: ScaledResidualArgs = { std: 0.02, numLayers: 12 };
 * ```
 */
export interface ScaledResidualArgs {
  /** Base std `σ` (GPT-2: 0.02). */
  std: number;
  /** Number of transformer layers `L`. */
  numLayers: number;
  /** Random seed (non-negative integer); unseeded if omitted. */
  seed?: number;
}

/**
 * Normal init with `std = σ/√(2L)`, serializable as `ScaledResidual` (what
 * {@link scaledResidual} returns).
 *
 * @example
 * ```ts
 * import { ScaledResidual } from 'tiedformer';
 * const init = new ScaledResidual({ std: 0.02, numLayers: 12 });
 * const w = init.apply([768, 768]); // std 0.02/√24 ≈ 0.0041
 * ```
 */
export class ScaledResidual extends InitializerBase {
  /** Registered class name. */
  static readonly className = 'ScaledResidual';
  /** Base std `σ`. */
  readonly baseStd: number;
  /** Number of layers `L`. */
  readonly numLayers: number;
  /** Random seed, if any. */
  readonly seed: number | undefined;

  /**
   * @param args - Base std and number of layers.
   * @example
   * ```ts
   * import { ScaledResidual } from 'tiedformer';
   * new ScaledResidual({ std: 0.02, numLayers: 12 }).std; // 0.02 / √24
   * ```
   */
  constructor(args: ScaledResidualArgs) {
    super();
    knownOptions('ScaledResidual', args, ['std', 'numLayers', 'seed']);
    this.baseStd = positiveNumber('ScaledResidual', 'std', args?.std);
    this.numLayers = positiveInteger('ScaledResidual', 'numLayers', args.numLayers);
    this.seed =
      args.seed === undefined ? undefined : nonNegativeInteger('ScaledResidual', 'seed', args.seed);
  }

  /** The effective std, `σ/√(2L)`. */
  get std(): number {
    return this.baseStd / Math.sqrt(2 * this.numLayers);
  }

  /** Draws a tensor of the given shape from `N(0, (σ/√(2L))²)`. */
  apply(shape: number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    return tf.randomNormal(shape, 0, this.std, dtype as 'float32', this.seed);
  }

  /** The constructor arguments. */
  override getConfig(): tf.serialization.ConfigDict {
    return {
      std: this.baseStd,
      numLayers: this.numLayers,
      ...(this.seed === undefined ? {} : { seed: this.seed }),
    };
  }
}
tf.serialization.registerClass(ScaledResidual);

/**
 * GPT-2's init for the output projections of residual branches: `std = σ/√(2L)`, so the
 * residual stream's variance does not grow with depth (each of the `2L` branches adds a
 * `1/(2L)` share).
 *
 * @param args - Base std, number of layers and an optional seed.
 * @returns A serializable tfjs initializer.
 * @throws RangeError on a non-positive std or non-integer `numLayers`.
 * @see Radford et al. 2019, "Language Models are Unsupervised Multitask Learners", section 2.3.
 * @example
 * ```ts
 * import { FFN, scaledResidual } from 'tiedformer';
 * const ffn = new FFN({
 *   intermediateSize: 1024, activation: 'gelu',
 *   outputInitializer: scaledResidual({ std: 0.02, numLayers: 4 }),
 * });
 * ```
 */
export function scaledResidual(args: ScaledResidualArgs): Initializer {
  return new ScaledResidual(args);
}
