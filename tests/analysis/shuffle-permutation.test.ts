import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shufflePermutation } from '../../src/analysis/shuffle-permutation.js';

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

describe('shufflePermutation', () => {
  it('swap-halves maps [h1, h2] to [h2, h1] with no fixed point and every dim on a 2-cycle', () => {
    const p = shufflePermutation(6, 'swap-halves');
    expect(p.indices).toEqual([3, 4, 5, 0, 1, 2]);
    expect(p.fixedPoints).toBe(0);
    expect(p.twoCycleDims).toBe(6);
  });

  it('channel shuffle is reshape (g, d/g) → transpose → flatten', () => {
    // [[0,1,2],[3,4,5]] transposed is [[0,3],[1,4],[2,5]].
    expect(shufflePermutation(6, { groups: 2 }).indices).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it('has gcd(g − 1, d/g − 1) + 1 fixed points and is a permutation (THEORY.md section 4)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 64 }),
        fc.integer({ min: 2, max: 64 }),
        (g, perGroup) => {
          const d = g * perGroup;
          const p = shufflePermutation(d, { groups: g });
          expect(p.fixedPoints).toBe(gcd(g - 1, perGroup - 1) + 1);
          expect([...p.indices].sort((a, b) => a - b)).toEqual(
            Array.from({ length: d }, (_, i) => i),
          );
        },
      ),
    );
  });

  it('leaves √d fixed points for g = √d', () => {
    expect(shufflePermutation(1024, { groups: 32 }).fixedPoints).toBe(32);
  });

  it.each([
    [7, 'swap-halves', "[shufflePermutation] 'swap-halves' needs an even hiddenSize, got 7"],
    [12, { groups: 5 }, '[shufflePermutation] shuffle.groups (5) must divide hiddenSize (12)'],
    [
      12,
      { groups: 1 },
      '[shufflePermutation] shuffle.groups = 1 with hiddenSize 12 is the identity permutation',
    ],
    [
      12,
      { groups: 12 },
      '[shufflePermutation] shuffle.groups = 12 with hiddenSize 12 is the identity permutation',
    ],
    [12, { groups: 0 }, '[shufflePermutation] shuffle.groups must be a positive integer, got 0'],
    [
      12,
      'rotate',
      '[shufflePermutation] shuffle must be \'swap-halves\' or { groups }, got "rotate"',
    ],
    [0, 'swap-halves', '[shufflePermutation] hiddenSize must be a positive integer, got 0'],
  ])('rejects d=%d shuffle=%j', (d, shuffle, message) => {
    expect(() => shufflePermutation(d, shuffle as never)).toThrow(message);
  });
});
