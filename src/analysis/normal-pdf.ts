/** `1/√(2π)`. */
const INV_SQRT_TWO_PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * Standard normal density, `φ(x) = e^{−x²/2}/√(2π)` (the closed form
 * `@stdlib/stats-base-dists-normal-pdf` evaluates for `μ = 0, σ = 1`).
 * @internal
 */
export function normalPdf(x: number): number {
  return INV_SQRT_TWO_PI * Math.exp(-0.5 * x * x);
}
