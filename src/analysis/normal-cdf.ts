import erfc from '@stdlib/math-base-special-erfc';

/**
 * Standard normal CDF, `Φ(x) = ½·erfc(−x/√2)` (erfc from `@stdlib`, the same expression
 * `@stdlib/stats-base-dists-normal-cdf` evaluates for `μ = 0, σ = 1`, without its
 * parameter checks and their weight).
 * @internal
 */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}
