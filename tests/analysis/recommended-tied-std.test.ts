import { describe, expect, it } from 'vitest';
import { recommendedTiedStd } from '../../src/analysis/recommended-tied-std.js';

describe('recommendedTiedStd', () => {
  it('is ln(n)/d', () => {
    expect(recommendedTiedStd(50257, 768)).toBeCloseTo(Math.log(50257) / 768, 15);
  });

  it('makes e^{dσ} = n, so the self term equals the uniform mass', () => {
    const std = recommendedTiedStd(32000, 512);
    expect(Math.exp(512 * std)).toBeCloseTo(32000, 6);
  });

  it('rejects bad sizes', () => {
    expect(() => recommendedTiedStd(1, 64)).toThrow(
      '[recommendedTiedStd] vocabSize must be ≥ 2, got 1',
    );
    expect(() => recommendedTiedStd(100, -1)).toThrow(
      '[recommendedTiedStd] hiddenSize must be a positive integer, got -1',
    );
  });
});
