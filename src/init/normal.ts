import * as tf from '@tensorflow/tfjs';
import { knownOptions } from '../analysis/known-options.js';
import { nonNegativeInteger, positiveNumber } from '../analysis/validation.js';
import type { Initializer } from './initializer-base.js';

/**
 * Options of {@link normal}.
 *
 * @example
 * ```ts
 * import type { NormalArgs } from 'tiedformer';
 * const args: NormalArgs = { std: 0.02, seed: 7 };
 * ```
 */
export interface NormalArgs {
  /** Standard deviation (> 0). */
  std: number;
  /** Random seed (non-negative integer); unseeded if omitted. */
  seed?: number;
}

/**
 * Zero-mean normal initializer, `N(0, std²)` (GPT-2 and BERT use `std = 0.02`). Serializes as
 * tfjs' own `RandomNormal`.
 *
 * @param args - The std and an optional seed.
 * @returns A serializable tfjs initializer.
 * @throws RangeError on a non-positive or non-finite std.
 * @example
 * ```ts
 * import { normal, TokenEmbedding } from 'tiedformer';
 * const embedding = new TokenEmbedding({
 *   vocabSize: 50257, hiddenSize: 768, embeddingsInitializer: normal({ std: 0.02 }),
 * });
 * ```
 */
export function normal(args: NormalArgs): Initializer {
  knownOptions('normal', args, ['std', 'seed']);
  const std = positiveNumber('normal', 'std', args?.std);
  const seed =
    args.seed === undefined ? undefined : nonNegativeInteger('normal', 'seed', args.seed);
  return tf.initializers.randomNormal({
    mean: 0,
    stddev: std,
    ...(seed === undefined ? {} : { seed }),
  });
}
