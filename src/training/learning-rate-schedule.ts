import { fail, nonNegativeInteger, oneOf, positiveInteger } from '../analysis/validation.js';

/**
 * A learning-rate schedule as plain data (so it can be saved in a checkpoint or sent to a
 * worker): linear warmup to `peak`, then `'cosine'`, `'linear'` or `'constant'` decay.
 * @example
 * ```ts
 * import type { LearningRateScheduleOptions } from 'tiedformer';
 * const schedule: LearningRateScheduleOptions = { peak: 1e-3, warmupSteps: 200, totalSteps: 5000, decay: 'cosine', final: 1e-4 };
 * ```
 */
export interface LearningRateScheduleOptions {
  /** The rate reached at the end of warmup. */
  peak: number;
  /** Steps of linear warmup: step `s < warmupSteps` gets `peak·(s + 1)/warmupSteps`. Default `0`. */
  warmupSteps?: number;
  /** The step at which decay ends; later steps keep `final`. Required for cosine and linear. */
  totalSteps?: number;
  /** Shape of the decay after warmup. Default `'cosine'`. */
  decay?: 'cosine' | 'linear' | 'constant';
  /** The rate at `totalSteps`. Default `0` (ignored by `'constant'`). */
  final?: number;
}

/**
 * The learning rate at 0-based step `step`:
 *
 * - warmup, `s < W`: `peak · (s + 1) / W` (the first step already moves; none is wasted at 0);
 * - then, with `p = min(1, (s − W) / (T − W))`:
 *   cosine `final + (peak − final) · (1 + cos πp) / 2`, linear `peak + (final − peak) · p`,
 *   constant `peak`.
 *
 * @param options - Peak, warmup, horizon and decay shape (see {@link LearningRateScheduleOptions}).
 * @param step - The 0-based optimizer step (the number of updates already applied).
 * @returns The learning rate for that step.
 * @throws RangeError on a negative rate, a non-integer step, or a horizon not after warmup.
 * @example
 * ```ts
 * import { learningRateAt } from 'tiedformer';
 * const schedule = { peak: 3e-3, warmupSteps: 100, totalSteps: 1000, final: 3e-4 };
 * learningRateAt(schedule, 0);    // 3e-5
 * learningRateAt(schedule, 99);   // 3e-3
 * learningRateAt(schedule, 1000); // 3e-4
 * ```
 */
export function learningRateAt(options: LearningRateScheduleOptions, step: number): number {
  const owner = 'learningRateAt';
  nonNegativeInteger(owner, 'step', step);
  const { peak } = options;
  if (typeof peak !== 'number' || !(peak >= 0)) fail(owner, `peak must be ≥ 0, got ${peak}`);
  const warmup = nonNegativeInteger(owner, 'warmupSteps', options.warmupSteps ?? 0);
  const decay = oneOf(owner, 'decay', options.decay ?? 'cosine', [
    'cosine',
    'linear',
    'constant',
  ] as const);
  const final = options.final ?? 0;
  if (typeof final !== 'number' || !(final >= 0)) fail(owner, `final must be ≥ 0, got ${final}`);
  let total = 0;
  if (decay !== 'constant') {
    total = positiveInteger(owner, 'totalSteps', options.totalSteps);
    if (total <= warmup)
      fail(owner, `totalSteps (${total}) must exceed warmupSteps (${warmup}) for ${decay} decay`);
  }
  if (step < warmup) return (peak * (step + 1)) / warmup;
  if (decay === 'constant') return peak;
  const p = Math.min(1, (step - warmup) / (total - warmup));
  if (decay === 'linear') return peak + (final - peak) * p;
  return final + ((peak - final) * (1 + Math.cos(Math.PI * p))) / 2;
}
