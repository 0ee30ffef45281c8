import * as tf from '@tensorflow/tfjs';
import { knownOptions } from '../analysis/known-options.js';
import { recommendedTiedStd } from '../analysis/recommended-tied-std.js';
import { nonNegativeInteger, positiveInteger } from '../analysis/validation.js';
import { type Initializer, InitializerBase } from './initializer-base.js';

/**
 * Options of {@link tiedNormal}.
 *
 * @example
 * ```ts
 * import type { TiedNormalArgs } from 'tiedformer';
 * const args: TiedNormalArgs = { vocabSize: 8192, hiddenSize: 256, seed: 1 };
 * ```
 */
export interface TiedNormalArgs {
  /** Vocabulary size `n` (integer ≥ 2). */
  vocabSize: number;
  /** Hidden size `d`. */
  hiddenSize: number;
  /** Random seed (non-negative integer); unseeded if omitted. */
  seed?: number;
}

/**
 * Normal init with `std = ln(n)/d`, serializable as `TiedNormal` (what {@link tiedNormal}
 * returns).
 *
 * @example
 * ```ts
 * import { TiedNormal } from 'tiedformer';
 * const init = new TiedNormal({ vocabSize: 8192, hiddenSize: 256, seed: 1 });
 * const table = init.apply([8192, 256]); // std ≈ ln(8192)/256 ≈ 0.035
 * ```
 */
export class TiedNormal extends InitializerBase {
  /** Registered class name. */
  static readonly className = 'TiedNormal';
  /** Vocabulary size `n`. */
  readonly vocabSize: number;
  /** Hidden size `d`. */
  readonly hiddenSize: number;
  /** Random seed, if any. */
  readonly seed: number | undefined;
  /** The std, `ln(n)/d`. */
  readonly std: number;

  /**
   * @param args - Vocabulary and hidden size.
   * @example
   * ```ts
   * import { TiedNormal } from 'tiedformer';
   * new TiedNormal({ vocabSize: 1000, hiddenSize: 64 }).std; // ln(1000)/64 ≈ 0.108
   * ```
   */
  constructor(args: TiedNormalArgs) {
    super();
    knownOptions('TiedNormal', args, ['vocabSize', 'hiddenSize', 'seed']);
    this.vocabSize = positiveInteger('TiedNormal', 'vocabSize', args?.vocabSize);
    this.hiddenSize = positiveInteger('TiedNormal', 'hiddenSize', args.hiddenSize);
    this.seed =
      args.seed === undefined ? undefined : nonNegativeInteger('TiedNormal', 'seed', args.seed);
    this.std = recommendedTiedStd(this.vocabSize, this.hiddenSize);
  }

  /** Draws a tensor of the given shape from `N(0, (ln(n)/d)²)`. */
  apply(shape: number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    return tf.randomNormal(shape, 0, this.std, dtype as 'float32', this.seed);
  }

  /** The constructor arguments. */
  override getConfig(): tf.serialization.ConfigDict {
    return {
      vocabSize: this.vocabSize,
      hiddenSize: this.hiddenSize,
      ...(this.seed === undefined ? {} : { seed: this.seed }),
    };
  }
}
tf.serialization.registerClass(TiedNormal);

/**
 * Normal initializer for a tied embedding: `std = ln(n)/d`, which makes the input token's own
 * logit `≈ d·σ = ln n` instead of dominating the softmax (remedy 1 of docs/theory.md §4).
 * It assumes the 2-gram regime (the token row alone in the last hidden state); a trunk that
 * already drowns the self logit does not need it.
 *
 * @param args - Vocabulary size, hidden size and an optional seed.
 * @returns A serializable tfjs initializer.
 * @throws RangeError on a non-integer size or `vocabSize < 2`.
 * @example
 * ```ts
 * import { TokenEmbedding, tiedNormal } from 'tiedformer';
 * const embedding = new TokenEmbedding({
 *   vocabSize: 8192, hiddenSize: 256,
 *   embeddingsInitializer: tiedNormal({ vocabSize: 8192, hiddenSize: 256, seed: 1 }),
 * });
 * ```
 */
export function tiedNormal(args: TiedNormalArgs): Initializer {
  return new TiedNormal(args);
}
