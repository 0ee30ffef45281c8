import erfinv from '@stdlib/math-base-special-erfinv';

/**
 * Standard normal quantile, `Φ⁻¹(p) = √2·erfinv(2p − 1)` (erfinv from `@stdlib`, the same
 * expression `@stdlib/stats-base-dists-normal-quantile` evaluates for `μ = 0, σ = 1`).
 * @internal
 */
export function normalQuantile(p: number): number {
  return Math.SQRT2 * erfinv(2 * p - 1);
}
