import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { embeddingParams, embeddingShare } from '../../src/analysis/embedding-share.js';

describe('embeddingShare', () => {
  // Reference figures: THEORY.md section 1 (n·d / total, computed by hand from the published totals).
  it.each([
    ['Llama-2-7B', 32000, 4096, 6_738_415_616, 0.0195],
    ['Llama-3-8B', 128256, 4096, 8_030_261_248, 0.0654],
    ['GPT-2 small', 50257, 768, 124_439_808, 0.31],
  ])('%s: %d × %d / %d ≈ %f', (_name, n, d, total, expected) => {
    expect(embeddingShare(n, d, total)).toBeCloseTo(expected, 3);
  });

  it('shows why 151,936 is the wrong vocabulary for Llama 3 (7.75 % instead of 6.54 %)', () => {
    expect(embeddingShare(151936, 4096, 8_030_261_248)).toBeCloseTo(0.0775, 4);
    expect(2 * embeddingShare(128256, 4096, 8_030_261_248)).toBeCloseTo(0.1308, 4);
  });

  it('is n·d / total, in (0, 1], and 1 when the embedding is the whole model', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300_000 }),
        fc.integer({ min: 1, max: 8192 }),
        fc.integer({ min: 0, max: 1e10 }),
        (n, d, rest) => {
          const share = embeddingShare(n, d, n * d + rest);
          expect(share).toBeGreaterThan(0);
          expect(share).toBeLessThanOrEqual(1);
          expect(share).toBe((n * d) / (n * d + rest));
          expect(embeddingShare(n, d, n * d)).toBe(1);
        },
      ),
    );
  });

  it('grows with the vocabulary at a fixed total', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 4096 }),
        (n, d) => {
          const total = (n + 1) * d * 10;
          expect(embeddingShare(n + 1, d, total)).toBeGreaterThan(embeddingShare(n, d, total));
        },
      ),
    );
  });

  it.each([
    [[0, 768, 1e6], '[embeddingShare] vocabSize must be a positive integer, got 0'],
    [[-5, 768, 1e6], '[embeddingShare] vocabSize must be a positive integer, got -5'],
    [[1000.5, 768, 1e6], '[embeddingShare] vocabSize must be a positive integer, got 1000.5'],
    [[1000, Number.NaN, 1e6], '[embeddingShare] hiddenSize must be a positive integer, got NaN'],
    [[1000, 768, 0], '[embeddingShare] totalParams must be a positive integer, got 0'],
    [
      [1000, 768, 1.5e6 + 0.5],
      '[embeddingShare] totalParams must be a positive integer, got 1500000.5',
    ],
    [
      [1000, 768, 767_999],
      '[embeddingShare] totalParams (767999) is smaller than the embedding alone (vocabSize · hiddenSize = 768000)',
    ],
  ])('rejects %j', (args, message) => {
    expect(() => embeddingShare(...(args as [number, number, number]))).toThrow(
      new RangeError(message),
    );
  });

  it('rejects a non-number from untyped callers', () => {
    expect(() => embeddingShare('1000' as unknown as number, 768, 1e6)).toThrow(
      '[embeddingShare] vocabSize must be a positive integer, got "1000"',
    );
  });
});

describe('embeddingParams', () => {
  it('is n·d', () => {
    expect(embeddingParams(50257, 768)).toBe(38_597_376);
  });

  it('rejects bad sizes and products beyond 2^53', () => {
    expect(() => embeddingParams(0, 8)).toThrow(
      '[embeddingParams] vocabSize must be a positive integer, got 0',
    );
    expect(() => embeddingParams(8, 2.5)).toThrow(
      '[embeddingParams] hiddenSize must be a positive integer, got 2.5',
    );
    expect(() => embeddingParams(2 ** 30, 2 ** 30)).toThrow(
      '[embeddingParams] vocabSize · hiddenSize',
    );
  });
});
