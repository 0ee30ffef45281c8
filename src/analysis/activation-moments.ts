import { normalCdf } from './normal-cdf.js';

/**
 * An FFN activation as the initial-loss analysis sees it: `'gelu'` (exact, `x·Φ(x)`),
 * `'gelu_tanh'` (tanh approximation, GPT-2), `'relu'`, and the gated `'swiglu'` (SiLU gate),
 * `'geglu'` (exact GELU gate), `'geglu_tanh'` (tanh-GELU gate, Gemma).
 *
 * @example
 * ```ts
 * import type { AnalysisActivation } from 'tiedformer/analysis';
 * const act: AnalysisActivation = 'gelu_tanh';
 * ```
 */
export type AnalysisActivation = 'gelu' | 'gelu_tanh' | 'relu' | 'swiglu' | 'geglu' | 'geglu_tanh';

/** The activations the analysis knows, in a fixed order. @internal */
export const ANALYSIS_ACTIVATIONS = [
  'gelu',
  'gelu_tanh',
  'relu',
  'swiglu',
  'geglu',
  'geglu_tanh',
] as const;

/** Whether the FFN multiplies a gate by a second linear branch (three matrices). @internal */
export function isGated(activation: AnalysisActivation): boolean {
  return activation === 'swiglu' || activation === 'geglu' || activation === 'geglu_tanh';
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** The scalar nonlinearity: the activation itself, or the gate's for gated FFNs. */
function nonlinearity(activation: AnalysisActivation): (x: number) => number {
  switch (activation) {
    case 'relu':
      return (x) => (x > 0 ? x : 0);
    case 'gelu':
    case 'geglu':
      return (x) => x * normalCdf(x);
    case 'gelu_tanh':
    case 'geglu_tanh':
      return (x) => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
    case 'swiglu':
      return (x) => x / (1 + Math.exp(-x));
  }
}

/**
 * Gaussian moments of an FFN's nonlinearity `f` (the gate's, for gated FFNs) at
 * pre-activation variance `q`, `a = √q·g`, `g ~ N(0, 1)`. @internal
 */
export interface ActivationMoments {
  /** `E[f(a)²]`. */
  meanSquare: number;
  /**
   * Hermite coefficients `c_k = E[f(a)·He_k(g)]`, `k = 0 … 8`: for two pre-activations with
   * correlation `ρ`, `E[f(a)f(a')] = Σ_k c_k² ρ^k / k!` (Mehler's formula).
   */
  hermite: number[];
}

/** Number of Hermite terms kept; the rest of `E[f²]` is put on the diagonal. */
const HERMITE_TERMS = 9;

/**
 * Moments of an activation under a centred normal input, by the trapezoid rule on `[−10, 10]`
 * standard deviations (spectrally accurate for these smooth-times-Gaussian integrands).
 *
 * @param activation - The FFN activation.
 * @param variance - Variance `q` of the pre-activation (≥ 0).
 * @returns `E[f²]` and the first Hermite coefficients.
 * @internal
 */
export function activationMoments(
  activation: AnalysisActivation,
  variance: number,
): ActivationMoments {
  const f = nonlinearity(activation);
  const sd = Math.sqrt(Math.max(variance, 0));
  const steps = 2000;
  const lo = -10;
  const dx = 20 / steps;
  let meanSquare = 0;
  const hermite = new Array<number>(HERMITE_TERMS).fill(0);
  for (let i = 0; i <= steps; i++) {
    const g = lo + i * dx;
    const w =
      ((i === 0 || i === steps ? 0.5 : 1) * dx * Math.exp(-0.5 * g * g)) / Math.sqrt(2 * Math.PI);
    const y = f(sd * g);
    meanSquare += w * y * y;
    // Probabilists' Hermite polynomials: He_{k+1} = g·He_k − k·He_{k−1}.
    let previous = 1;
    let current = g;
    hermite[0] = (hermite[0] as number) + w * y;
    hermite[1] = (hermite[1] as number) + w * y * g;
    for (let k = 1; k + 1 < HERMITE_TERMS; k++) {
      const next = g * current - k * previous;
      previous = current;
      current = next;
      hermite[k + 1] = (hermite[k + 1] as number) + w * y * current;
    }
  }
  return { meanSquare, hermite };
}

/**
 * `E[f(a)f(a')]` for two pre-activations of equal variance and correlation `rho`, from the
 * Hermite expansion; `rho = 1` returns `E[f²]` exactly. @internal
 */
export function activationCovariance(moments: ActivationMoments, rho: number): number {
  if (rho >= 1) return moments.meanSquare;
  let sum = 0;
  let power = 1;
  let factorial = 1;
  for (let k = 0; k < moments.hermite.length; k++) {
    if (k > 0) {
      power *= rho;
      factorial *= k;
    }
    const c = moments.hermite[k] as number;
    sum += (c * c * power) / factorial;
  }
  return sum;
}
