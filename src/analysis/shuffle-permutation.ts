import { fail, positiveInteger } from './validation.js';

/**
 * How a shuffled tied head permutes the hidden dimensions:
 * `'swap-halves'` maps `[h₁, h₂]` to `[h₂, h₁]`; `{ groups: g }` is ShuffleNet's channel
 * shuffle (reshape `d` into `(g, d/g)`, transpose, flatten).
 *
 * @example
 * ```ts
 * import type { ShuffleSpec } from 'tiedformer/analysis';
 * const swap: ShuffleSpec = 'swap-halves';
 * const channel: ShuffleSpec = { groups: 16 };
 * ```
 */
export type ShuffleSpec =
  | 'swap-halves'
  | {
      /** Number of groups `g`: divides `d`, and `1 < g < d` (1 and `d` are the identity). */
      readonly groups: number;
    };

/**
 * A permutation of the hidden dimensions and the counts the initial-loss analysis needs.
 *
 * @example
 * ```ts
 * import { shufflePermutation, type ShufflePermutation } from 'tiedformer/analysis';
 * const p: ShufflePermutation = shufflePermutation(8, { groups: 2 });
 * p.indices; // [0, 4, 1, 5, 2, 6, 3, 7]
 * ```
 */
export interface ShufflePermutation {
  /** `indices[j]` is the input dimension written to output dimension `j`: `out[j] = h[indices[j]]`. */
  readonly indices: readonly number[];
  /** Number of fixed points `f` (dimensions that stay in place). */
  readonly fixedPoints: number;
  /** Number of dimensions `c` that lie on 2-cycles (swapped in pairs). */
  readonly twoCycleDims: number;
}

/**
 * Builds the permutation of a {@link ShuffleSpec} for hidden size `d` and counts its fixed
 * points and 2-cycles. Channel shuffle with `g` groups has `gcd(g − 1, d/g − 1) + 1` fixed
 * points (docs/theory.md §1).
 *
 * @param hiddenSize - Hidden size `d`.
 * @param shuffle - The shuffle.
 * @returns The permutation and its fixed-point and 2-cycle counts.
 * @throws RangeError if `d` is odd for `'swap-halves'`, if `groups` does not divide `d`, or if
 *   the shuffle is the identity (`groups` 1 or `d`), which would just be a tied head.
 * @example
 * ```ts
 * import { shufflePermutation } from 'tiedformer/analysis';
 * shufflePermutation(4, 'swap-halves').indices; // [2, 3, 0, 1]
 * shufflePermutation(64, { groups: 8 }).fixedPoints; // 8 = gcd(7, 7) + 1
 * ```
 */
export function shufflePermutation(hiddenSize: number, shuffle: ShuffleSpec): ShufflePermutation {
  const owner = 'shufflePermutation';
  const d = positiveInteger(owner, 'hiddenSize', hiddenSize);
  const indices: number[] = new Array(d);
  if (shuffle === 'swap-halves') {
    if (d % 2 !== 0) fail(owner, `'swap-halves' needs an even hiddenSize, got ${d}`);
    for (let j = 0; j < d; j++) indices[j] = (j + d / 2) % d;
  } else if (typeof shuffle === 'object' && shuffle !== null && 'groups' in shuffle) {
    const groups = positiveInteger(owner, 'shuffle.groups', shuffle.groups);
    if (d % groups !== 0) {
      fail(owner, `shuffle.groups (${groups}) must divide hiddenSize (${d})`);
    }
    if (groups === 1 || groups === d) {
      fail(
        owner,
        `shuffle.groups = ${groups} with hiddenSize ${d} is the identity permutation (a plain tied head); use 1 < groups < hiddenSize`,
      );
    }
    const perGroup = d / groups;
    // Input laid out as [groups, perGroup]; output is its transpose [perGroup, groups].
    for (let a = 0; a < groups; a++) {
      for (let b = 0; b < perGroup; b++) indices[b * groups + a] = a * perGroup + b;
    }
  } else {
    fail(owner, `shuffle must be 'swap-halves' or { groups }, got ${JSON.stringify(shuffle)}`);
  }
  let fixedPoints = 0;
  let twoCycleDims = 0;
  for (let j = 0; j < d; j++) {
    const k = indices[j] as number;
    if (k === j) fixedPoints++;
    else if (indices[k] === j) twoCycleDims++;
  }
  return { indices, fixedPoints, twoCycleDims };
}
