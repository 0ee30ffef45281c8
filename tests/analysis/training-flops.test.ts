import { describe, expect, it } from 'vitest';
import { type TrainingFlopsOptions, trainingFlops } from '../../src/analysis/training-flops.js';

describe('trainingFlops', () => {
  it('is 6·N·D·(1 + s/(6d))', () => {
    // s = 6d doubles the compute: 6 · 1e6 · 1e3 · 2 by hand.
    expect(trainingFlops({ params: 1e6, tokens: 1e3, seqLen: 600, hiddenSize: 100 })).toBe(6e9 * 2);
    expect(trainingFlops({ params: 85e6, tokens: 1e9, seqLen: 1, hiddenSize: 768 })).toBeCloseTo(
      6 * 85e6 * 1e9 * (1 + 1 / 4608),
      -3,
    );
  });

  it('tends to C = 6·N·D when s ≪ d', () => {
    const c = trainingFlops({ params: 7e9, tokens: 2e12, seqLen: 1, hiddenSize: 1e6 });
    expect(c / (6 * 7e9 * 2e12)).toBeCloseTo(1, 5);
  });

  it.each([
    [
      { params: 0, tokens: 1, seqLen: 1, hiddenSize: 1 },
      '[trainingFlops] params must be a finite number > 0, got 0',
    ],
    [
      { params: 1, tokens: Number.NaN, seqLen: 1, hiddenSize: 1 },
      '[trainingFlops] tokens must be a finite number > 0, got NaN',
    ],
    [
      { params: 1, tokens: 1, seqLen: 0.5, hiddenSize: 1 },
      '[trainingFlops] seqLen must be a positive integer, got 0.5',
    ],
    [
      { params: 1, tokens: 1, seqLen: 1, hiddenSize: -2 },
      '[trainingFlops] hiddenSize must be a positive integer, got -2',
    ],
    [
      { params: 1, tokens: 1, seqLen: 1, hiddenSize: 1, d: 3 },
      '[trainingFlops] unknown option "d"',
    ],
  ])('rejects %j', (opts, message) => {
    expect(() => trainingFlops(opts as TrainingFlopsOptions)).toThrow(message);
  });
});
