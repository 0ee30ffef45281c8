import * as tf from '@tensorflow/tfjs';
import { fail } from '../analysis/validation.js';

/**
 * How {@link sampleTokens} picks a token from logits.
 *
 * @example
 * ```ts
 * import type { SamplingRule } from 'tiedformer';
 * const greedy: SamplingRule = {};
 * const nucleus: SamplingRule = { temperature: 0.8, topP: 0.95 };
 * ```
 */
export interface SamplingRule {
  /** Divides the logits (≥ 0); `0`, omitted, or too small to invert in float32: greedy (argmax). */
  temperature?: number;
  /** Keep only the `k` largest logits. Default: all. */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches `p`, in (0, 1]. Default `1`. */
  topP?: number;
}

/** Largest float32 below 1 that keeps `u · total < total` in float32 (see below). */
const MAX_UNIFORM = 1 - 2 ** -23;

/**
 * Picks one token per row of `logits [rows, vocab]`, with tensor ops only (no JS array of the
 * vocabulary; a 262,144-token row is one `topk` or `cumsum`), and flags rows whose logits are
 * unusable.
 *
 * Greedy: `argmax z`. Sampled: `z' = (z − max z) / T`, optionally restricted to the `topK`
 * largest, then to the nucleus (sorted descending, token `i` kept iff the probability mass
 * before it is `< topP`), then drawn by inverting the cumulative sum of `exp z'` at
 * `u · total` with the given uniform `u ∈ [0, 1)`. Subtracting the max first keeps every
 * `z'` finite or `−∞`, so a tiny temperature (`1e-30`) concentrates on the argmax instead of
 * producing NaN; one whose inverse overflows float32 (`1e-310`) is greedy.
 *
 * @param logits - `[rows, vocab]` float32.
 * @param rule - Temperature, top-k and top-p.
 * @param uniforms - One number in [0, 1) per row (ignored when greedy).
 * @returns int32 `[rows, 2]`: the token, and 1 where the row had a NaN logit or no finite
 *   maximum (all `−∞`, or a `+∞`), else 0. The caller disposes it.
 * @throws RangeError on shapes that do not match.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { sampleTokens } from 'tiedformer';
 * const logits = tf.tensor2d([[0, 5, 1], [3, 0, 0]]);
 * const picked = sampleTokens(logits, { temperature: 1, topK: 2 }, [0.5, 0.1]);
 * const [firstToken, firstBad] = await picked.data(); // a token of row 0, and 0
 * ```
 */
export function sampleTokens(
  logits: tf.Tensor,
  rule: SamplingRule,
  uniforms: ArrayLike<number>,
): tf.Tensor {
  if (logits.rank !== 2)
    fail('sampleTokens', `logits must be [rows, vocab], got [${logits.shape}]`);
  const [rows, vocab] = logits.shape as [number, number];
  const inverse = rule.temperature ? 1 / rule.temperature : Number.POSITIVE_INFINITY;
  const greedy = !(inverse <= 3.4e38) || rule.topK === 1;
  if (!greedy && uniforms.length !== rows)
    fail('sampleTokens', `expected ${rows} uniforms (one per row), got ${uniforms.length}`);
  return tf.tidy(() => {
    const max = tf.max(logits, -1, true); // [R, 1]
    const bad = tf.logicalOr(
      tf.any(tf.isNaN(logits), -1),
      tf.logicalNot(tf.isFinite(tf.reshape(max, [rows]))),
    ); // [R]
    let token: tf.Tensor;
    if (greedy) {
      token = tf.argMax(logits, -1);
    } else {
      let z = tf.mul(tf.sub(logits, max), inverse); // ≤ 0: finite or −∞
      let ids: tf.Tensor | null = null; // [R, k]: vocabulary ids of the kept columns
      const topK = rule.topK !== undefined && rule.topK < vocab ? rule.topK : undefined;
      const topP = rule.topP !== undefined && rule.topP < 1 ? rule.topP : undefined;
      if (topK !== undefined || topP !== undefined) {
        const top = tf.topk(z, topK ?? vocab); // sorted descending
        z = top.values;
        ids = top.indices;
      }
      let weights = tf.exp(z); // the largest is exp(0) = 1
      if (topP !== undefined) {
        const mass = tf.cumsum(weights, 1);
        const before = tf.sub(mass, weights);
        const total = tf.slice(mass, [0, (mass.shape[1] as number) - 1], [rows, 1]);
        weights = tf.where(tf.less(before, tf.mul(total, topP)), weights, tf.zerosLike(weights));
      }
      const cumulative = tf.cumsum(weights, 1); // [R, k]
      const width = cumulative.shape[1] as number;
      const total = tf.slice(cumulative, [0, width - 1], [rows, 1]);
      // u ≤ 1 − 2⁻²³ keeps u·total below total in float32, so the count stays < width.
      const u = tf.tensor2d(
        Float32Array.from({ length: rows }, (_, r) =>
          Math.min(Math.max(uniforms[r] as number, 0), MAX_UNIFORM),
        ),
        [rows, 1],
      );
      const below = tf.sum(tf.cast(tf.lessEqual(cumulative, tf.mul(u, total)), 'int32'), -1);
      const column = tf.minimum(below, tf.scalar(width - 1, 'int32')); // [R]: first column with cumulative > u·total
      token = ids
        ? tf.gather(
            tf.reshape(ids, [-1]),
            tf.add(column, tf.range(0, rows * width, width, 'int32')),
          )
        : column;
    }
    return tf.stack([tf.cast(token, 'int32'), tf.cast(bad, 'int32')], 1); // [R, 2]
  });
}
