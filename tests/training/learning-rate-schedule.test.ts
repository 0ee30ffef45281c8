import { describe, expect, it } from 'vitest';
import { learningRateAt } from '../../src/index.js';

describe('learningRateAt', () => {
  const cosine = { peak: 1, warmupSteps: 4, totalSteps: 12, final: 0.1 };

  it('warms up linearly, reaching the peak at the last warmup step', () => {
    expect([0, 1, 2, 3].map((s) => learningRateAt(cosine, s))).toEqual([0.25, 0.5, 0.75, 1]);
  });

  it('follows the half cosine from peak to final, then stays at final', () => {
    expect(learningRateAt(cosine, 4)).toBe(1);
    // Midway (p = 1/2): final + (peak − final)/2.
    expect(learningRateAt(cosine, 8)).toBeCloseTo(0.55, 12);
    // p = 1/4: final + (peak − final)(1 + √2/2)/2.
    expect(learningRateAt(cosine, 6)).toBeCloseTo(0.1 + 0.9 * (1 + Math.SQRT1_2) * 0.5, 12);
    expect(learningRateAt(cosine, 12)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(cosine, 100)).toBeCloseTo(0.1, 12);
  });

  it('decays linearly or stays constant when asked', () => {
    const linear = { ...cosine, decay: 'linear' as const };
    expect(learningRateAt(linear, 8)).toBeCloseTo(0.55, 12);
    expect(learningRateAt(linear, 6)).toBeCloseTo(0.775, 12);
    expect(learningRateAt({ peak: 0.3, decay: 'constant' }, 1000)).toBe(0.3);
    expect(learningRateAt({ peak: 0.3, warmupSteps: 3, decay: 'constant' }, 0)).toBeCloseTo(
      0.1,
      12,
    );
  });

  it('rejects bad schedules by name', () => {
    expect(() => learningRateAt(cosine, -1)).toThrow(/\[learningRateAt\] step must be/);
    expect(() => learningRateAt({ peak: -1 }, 0)).toThrow(/peak must be ≥ 0, got -1/);
    expect(() => learningRateAt({ peak: 1 }, 0)).toThrow(/totalSteps must be a positive integer/);
    expect(() => learningRateAt({ peak: 1, decay: 'step' as never, totalSteps: 3 }, 0)).toThrow(
      /decay must be one of/,
    );
  });
});
