import * as tf from '@tensorflow/tfjs';
import { fail, nonNegativeInteger, positiveInteger } from '../analysis/validation.js';

/**
 * Where the new tokens of one cached decoding step sit, shared by every layer of the model
 * in that step (built by {@link decodingStep}).
 *
 * @example
 * ```ts
 * import { decodingStep, type CacheStep } from 'tiedformer';
 * const step: CacheStep = decodingStep({ start: 5, seq: 1, capacity: 8, leftPadding: [0, 2] });
 * step.allowed.dispose();
 * ```
 */
export interface CacheStep {
  /** Cache index of the first new token: the number of positions the caches hold. */
  start: number;
  /**
   * Position of every new token for position encodings (RoPE angles, a learned position
   * table), row-major `[batch, seq]`: its cache index minus its row's left padding.
   */
  positions: Int32Array;
  /** `[batch, 1, seq, capacity]` float32: 1 where a new token may attend to a cache entry. */
  allowed: tf.Tensor;
}

/**
 * Options of {@link decodingStep}.
 *
 * @example
 * ```ts
 * import type { DecodingStepArgs } from 'tiedformer';
 * const args: DecodingStepArgs = { start: 0, seq: 4, capacity: 16, leftPadding: [0] };
 * ```
 */
export interface DecodingStepArgs {
  /** Cache index of the first new token. */
  start: number;
  /** Number of new tokens (the padded prompt length at prefill, 1 afterwards). */
  seq: number;
  /** Key length of the caches after this step: their capacity, or `start + seq` for exact caches. */
  capacity: number;
  /** Padding tokens at the start of each row (prompts of different lengths are left-padded). */
  leftPadding: readonly number[];
}

/**
 * The positions and the causal, padding-aware mask of a cached decoding step: new token `i`
 * of row `b` (cache index `start + i`) may attend to cache entry `j` iff
 * `leftPadding[b] ≤ j ≤ start + i`, and sits at position `start + i − leftPadding[b]`, so a
 * left-padded row computes what it would alone. Padding queries attend to nothing (the
 * attention outputs zeros for them).
 *
 * @param args - Start, number of new tokens, capacity and left padding per row.
 * @returns The step; dispose `allowed` when the step is done.
 * @throws RangeError on non-integer arguments or `start + seq > capacity`.
 * @example
 * ```ts
 * import { decodingStep } from 'tiedformer';
 * const prefill = decodingStep({ start: 0, seq: 3, capacity: 4, leftPadding: [1] });
 * prefill.positions; // Int32Array [0, 0, 1]: the pad sits at 0, the prompt at 0 and 1
 * prefill.allowed.dispose();
 * ```
 */
export function decodingStep(args: DecodingStepArgs): CacheStep {
  const owner = 'decodingStep';
  const start = nonNegativeInteger(owner, 'start', args?.start);
  const seq = positiveInteger(owner, 'seq', args.seq);
  const capacity = positiveInteger(owner, 'capacity', args.capacity);
  if (!Array.isArray(args.leftPadding) || args.leftPadding.length === 0)
    fail(owner, 'leftPadding must be a non-empty array (one entry per row)');
  if (start + seq > capacity)
    fail(owner, `start (${start}) + seq (${seq}) exceeds the capacity ${capacity}`);
  const batch = args.leftPadding.length;
  const positions = new Int32Array(batch * seq);
  const allowed = new Float32Array(batch * seq * capacity);
  args.leftPadding.forEach((value, b) => {
    const pad = nonNegativeInteger(owner, `leftPadding[${b}]`, value);
    for (let i = 0; i < seq; i++) {
      const index = start + i;
      positions[b * seq + i] = Math.max(0, index - pad);
      const row = (b * seq + i) * capacity;
      for (let j = pad; j <= index; j++) allowed[row + j] = 1;
    }
  });
  return { start, positions, allowed: tf.tensor4d(allowed, [batch, 1, seq, capacity]) };
}
