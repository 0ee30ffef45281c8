import gammaln from '@stdlib/math-base-special-gammaln';
import { normalCdf } from './normal-cdf.js';
import { normalPdf } from './normal-pdf.js';
import { normalQuantile } from './normal-quantile.js';
import { type ShuffleSpec, shufflePermutation } from './shuffle-permutation.js';
import { fail, knownKeys, oneOf, options, positiveInteger, positiveNumber } from './validation.js';

/** Euler–Mascheroni constant γ, to double precision (the value `@stdlib/constants-float64-eulergamma` exports). */
const EULER_GAMMA = 0.5772156649015329;

/**
 * Output head of a language model, as the initial-loss analysis sees it:
 * `'tied'` (logits `h·Eᵀ`), `'untied'` (an independent output matrix), `'ortho'` (an
 * orthogonally initialised `d×d` projection, then `Eᵀ`), `'shuffled'` (a fixed permutation
 * of the hidden dimensions, then `Eᵀ`).
 *
 * @example
 * ```ts
 * import type { HeadKind } from 'tiedformer/analysis';
 * const heads: HeadKind[] = ['tied', 'untied', 'ortho', 'shuffled'];
 * ```
 */
export type HeadKind = 'tied' | 'untied' | 'ortho' | 'shuffled';

/**
 * Options of {@link estimateInitialLoss} and {@link monteCarloInitialLoss}.
 *
 * @example
 * ```ts
 * import type { InitialLossOptions } from 'tiedformer/analysis';
 * const opts: InitialLossOptions = { vocabSize: 50257, hiddenSize: 768, std: 0.02, head: 'tied' };
 * ```
 */
export interface InitialLossOptions {
  /** Vocabulary size `n` (integer ≥ 2). */
  vocabSize: number;
  /** Hidden size `d` (integer ≥ 2). */
  hiddenSize: number;
  /** Std `σ` of the i.i.d. normal init of the embedding (and of an untied head's matrix). */
  std: number;
  /** Head design. */
  head: HeadKind;
  /** The permutation of a `'shuffled'` head; required for it, rejected for the others. */
  shuffle?: ShuffleSpec;
  /** The norm before the head. Default `'rmsnorm'`. */
  norm?: 'rmsnorm' | 'layernorm';
  /**
   * Per-coordinate variance `π²` of an additive position embedding in the last hidden state
   * (learned absolute positions drawn with std `π`). Default `0` (rotary or no positions).
   */
  positionVariance?: number;
  /**
   * Per-coordinate variance `ρ²` of the sum of all residual branches' outputs in the last
   * hidden state. Default `0`: the 2-gram regime (branches start at zero). For a whole model,
   * {@link estimateCausalLMInitialLoss} derives it from the model's options.
   */
  residualVariance?: number;
  /** Multiplier `e` of the looked-up embedding rows (Gemma: `√d`); the tied head uses `E` unscaled. Default `1`. */
  embeddingScale?: number;
}

/**
 * Result of {@link estimateInitialLoss}. All values in nats.
 *
 * @example
 * ```ts
 * import { estimateInitialLoss, type InitialLossEstimate } from 'tiedformer/analysis';
 * const e: InitialLossEstimate = estimateInitialLoss({
 *   vocabSize: 50257, hiddenSize: 768, std: 0.02, head: 'tied',
 * });
 * console.log(e.loss - e.uniformLoss); // nats above the uniform distribution
 * ```
 */
export interface InitialLossEstimate {
  /** Expected cross-entropy at initialisation. */
  loss: number;
  /** Cross-entropy of the uniform distribution, `ln n`. */
  uniformLoss: number;
  /** Mean of the input token's own logit `Z0` (0 for untied and ortho heads). */
  selfLogitMean: number;
  /** Variance of `Z0` (`d·σ²` for untied and ortho heads, like every other logit). */
  selfLogitVariance: number;
}

/**
 * Cross-entropy of the uniform distribution over `n` tokens: `ln n` nats. A sane
 * initialisation should start near it.
 *
 * @param vocabSize - Vocabulary size `n` (positive integer).
 * @returns `ln n`.
 * @throws RangeError if `vocabSize` is not a positive integer.
 * @example
 * ```ts
 * import { uniformLoss } from 'tiedformer/analysis';
 * uniformLoss(50257); // ≈ 10.825
 * ```
 */
export function uniformLoss(vocabSize: number): number {
  return Math.log(positiveInteger('uniformLoss', 'vocabSize', vocabSize));
}

/** Validated {@link InitialLossOptions} with the permutation counts resolved. @internal */
export interface ResolvedInitialLossOptions {
  vocabSize: number;
  hiddenSize: number;
  std: number;
  head: HeadKind;
  norm: 'rmsnorm' | 'layernorm';
  shuffle: ShuffleSpec | undefined;
  positionVariance: number;
  residualVariance: number;
  embeddingScale: number;
}

const OPTION_KEYS = [
  'vocabSize',
  'hiddenSize',
  'std',
  'head',
  'shuffle',
  'norm',
  'positionVariance',
  'residualVariance',
  'embeddingScale',
] as const;

/** A finite number ≥ 0, or `fallback` when undefined. */
function nonNegativeNumber(owner: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    fail(owner, `${name} must be a finite number ≥ 0, got ${JSON.stringify(value)}`);
  return value;
}

/** Validates {@link InitialLossOptions}; `extraKeys` are allowed and left to the caller. @internal */
export function resolveInitialLossOptions(
  owner: string,
  value: InitialLossOptions,
  extraKeys: readonly string[] = [],
): ResolvedInitialLossOptions {
  const raw = options(owner, value);
  knownKeys(owner, raw, [...OPTION_KEYS, ...extraKeys]);
  const vocabSize = positiveInteger(owner, 'vocabSize', raw.vocabSize);
  const hiddenSize = positiveInteger(owner, 'hiddenSize', raw.hiddenSize);
  if (vocabSize < 2) fail(owner, `vocabSize must be ≥ 2, got ${vocabSize}`);
  if (hiddenSize < 2) fail(owner, `hiddenSize must be ≥ 2, got ${hiddenSize}`);
  const std = positiveNumber(owner, 'std', raw.std);
  const head = oneOf(owner, 'head', raw.head, ['tied', 'untied', 'ortho', 'shuffled'] as const);
  const norm = oneOf(owner, 'norm', raw.norm ?? 'rmsnorm', ['rmsnorm', 'layernorm'] as const);
  const shuffle = raw.shuffle as ShuffleSpec | undefined;
  if (head === 'shuffled') {
    if (shuffle === undefined) {
      fail(owner, `head 'shuffled' needs a shuffle: 'swap-halves' or { groups }`);
    }
  } else if (shuffle !== undefined) {
    fail(owner, `shuffle only applies to head 'shuffled', got head ${JSON.stringify(head)}`);
  }
  const positionVariance = nonNegativeNumber(owner, 'positionVariance', raw.positionVariance, 0);
  const residualVariance = nonNegativeNumber(owner, 'residualVariance', raw.residualVariance, 0);
  const embeddingScale =
    raw.embeddingScale === undefined
      ? 1
      : positiveNumber(owner, 'embeddingScale', raw.embeddingScale);
  return {
    vocabSize,
    hiddenSize,
    std,
    head,
    norm,
    shuffle,
    positionVariance,
    residualVariance,
    embeddingScale,
  };
}

/** `ln(1 + e^x)` without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** `ln(e^a + e^b)` without overflow. */
function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** `ln(1 + (e^{s²} − 1)/N)`, also for `s²` far beyond exp's range. */
function logOnePlusExcess(s2: number, count: number): number {
  // ln(e^{s²} − 1) = s² + ln(1 − e^{−s²})
  const logExcess = s2 + Math.log(-Math.expm1(-s2));
  return logAddExp(0, logExcess - Math.log(count));
}

/**
 * Mean and variance of `ln S_N`, `S_N = Σ_{k=1..N} e^{s·g_k}` with `g_k ~ N(0, 1)` i.i.d.
 * (docs/theory.md §1, "Background"): a lognormal-sum regime for `s² ≤ ln N`, else the
 * "frozen" regime where the largest terms dominate.
 * @internal
 */
export function backgroundLogSum(count: number, s: number): { mean: number; variance: number } {
  const s2 = s * s;
  const logN = Math.log(count);
  const spread = logOnePlusExcess(s2, count);
  const annealed = logN + s2 / 2;
  if (s2 <= logN) return { mean: annealed - spread / 2, variance: spread };
  const b = normalQuantile(1 - 1 / count);
  const a = count * normalPdf(b);
  const beta = s / a;
  const expectedMax =
    b + EULER_GAMMA / a - ((a - b) * (EULER_GAMMA ** 2 + Math.PI ** 2 / 6)) / (2 * a * a);
  const frozen =
    beta <= 1
      ? Number.POSITIVE_INFINITY
      : s * expectedMax + beta * gammaln(1 - 1 / beta) - EULER_GAMMA;
  const mean = -logAddExp(-annealed, -frozen);
  const variance = frozen < annealed ? (s2 * Math.PI ** 2) / (6 * a * a) : spread;
  return { mean, variance };
}

/**
 * `T(m, v) = E[softplus(m + √v·g)]`, `g ~ N(0, 1)` (docs/theory.md §1, "Self-logit
 * correction").
 * @internal
 */
export function expectedSoftplus(mean: number, variance: number): number {
  if (variance <= 1.25) {
    const p = 1 / (1 + Math.exp(-mean));
    return softplus(mean) + (variance / 2) * p * (1 - p);
  }
  if (mean + variance < -2) return softplus(mean + variance / 2);
  const w = Math.sqrt(variance + Math.PI ** 2 / 3);
  return w * normalPdf(mean / w) + mean * normalCdf(mean / w);
}

/** `E[χ_k] = √2·Γ((k+1)/2)/Γ(k/2)`. @internal */
export function chiMean(k: number): number {
  return Math.exp(0.5 * Math.LN2 + gammaln((k + 1) / 2) - gammaln(k / 2));
}

/**
 * Estimated cross-entropy at initialisation of one head design, given what the last hidden
 * state holds (docs/theory.md §1–2). For a whole `createCausalLM` model use
 * {@link estimateCausalLMInitialLoss}, which derives the variances below from its options.
 *
 * Default regime (2-gram): residual branches start at zero and there is no additive position
 * embedding, so the network is the identity and the model is a 2-gram model: input token
 * $i \to h = \operatorname{Norm}(x_i) \to$ logits over the $n$ rows of the embedding (std
 * $\sigma$). With `positionVariance` $\pi^2$, `residualVariance` $\rho^2$ and `embeddingScale`
 * $e$, the hidden state is $e\,x_i + p + r$ and the tied self logit shrinks to
 * $\approx e\,d\sigma^2/\sqrt{e^2\sigma^2 + \pi^2 + \rho^2}$. Every head keeps
 * $\lVert h'\rVert^2 = d$, so the $N = n - 1$ logits of other tokens are i.i.d.
 * $\mathcal N(0, s^2)$, $s^2 = d\sigma^2$, and
 *
 * $$\text{loss} = \mathbb E\left[\ln\left(e^{Z_0} + S_N\right)\right], \qquad S_N = \sum_{k \le N} e^{s g_k}.$$
 *
 * Untied and ortho heads: $\text{loss} = B(n)$ (no self term). Others:
 * $\text{loss} = B(N) + T(\mu_0 - B(N),\ v_0 + V)$, with the self logit $Z_0$ of mean
 * $\mu_0$ and variance $v_0$: tied with RMSNorm $\sigma\sqrt d\,\mathbb E[\chi_d]$,
 * $d\sigma^2/2$; tied with LayerNorm $\sigma\sqrt d\,\mathbb E[\chi_{d-1}]$, $d\sigma^2/2$;
 * a permutation with $f$ fixed points and $c$ dimensions on 2-cycles $f\sigma$,
 * $\sigma^2(d + c + f)$.
 *
 * Accuracy (against Monte Carlo over n ∈ [1000, 256000], d ∈ [64, 4096]): tied head ≈ 0.001
 * nats mean error, 0.02 max. Weakest where the background sum changes regime,
 * `1.6 ≲ s = σ√d ≲ 8`: errors up to ~0.3 nats there; use {@link monteCarloInitialLoss} if
 * you need more. The targets are assumed never to be the input token itself.
 * With residual or position variance, the self logit's mean and variance come from a
 * delta-method expansion, checked through {@link estimateCausalLMInitialLoss} against real
 * models.
 *
 * @param opts - Vocabulary, hidden size, init std, head design (and shuffle, norm, the
 *   variances of positions and branches, the input scale).
 * @returns The estimated loss, `ln n`, and the mean and variance of the self logit.
 * @throws RangeError on a non-integer or too small size, a non-positive or non-finite std,
 *   an unknown head, a missing or identity shuffle.
 * @see Press & Wolf 2017, "Using the Output Embedding to Improve Language Models".
 * @example
 * ```ts
 * import { estimateInitialLoss } from 'tiedformer/analysis';
 * // GPT-2 small's sizes and σ = 0.02 with a tied head, in the 2-gram regime (branches at
 * // zero, no positions): ≈ 15.4 nats, vs ln n ≈ 10.8.
 * const tied = estimateInitialLoss({ vocabSize: 50257, hiddenSize: 768, std: 0.02, head: 'tied' });
 * // GPT-2 as released has learned positions and a trunk with √(π² + ρ²) ≈ 0.29: ≈ 10.98.
 * const released = estimateInitialLoss({
 *   vocabSize: 50257, hiddenSize: 768, std: 0.02, head: 'tied', norm: 'layernorm',
 *   positionVariance: 0.0004, residualVariance: 0.29 ** 2 - 0.0004,
 * });
 * // The same init behind a swap-halves shuffle stays near ln n.
 * const shuffled = estimateInitialLoss({
 *   vocabSize: 50257, hiddenSize: 768, std: 0.02, head: 'shuffled', shuffle: 'swap-halves',
 * });
 * console.log(tied.loss.toFixed(2), released.loss.toFixed(2), shuffled.loss.toFixed(2));
 * ```
 */
export function estimateInitialLoss(opts: InitialLossOptions): InitialLossEstimate {
  return streamInitialLoss(resolveInitialLossOptions('estimateInitialLoss', opts));
}

/**
 * The estimate for a last hidden state `x = e·x_i + p + r` (token row, position embedding,
 * residual branches), normalised by `√(mean(x²) + ε)` and fed to the head. With
 * `V = e²σ² + ν²`, `ν² = π² + ρ²`, `W = V + ε`:
 * other logits have variance `s² = dσ²·V/W`; the tied self logit has mean
 * `e·σ²·√d·E[χ]/√W` and variance `dσ²(ν² + e²σ²/2)/W` (delta method; `dσ²/2` at `ν = 0`).
 * With `ν = 0, e = 1, ε = 0` this is exactly the 2-gram estimate.
 * @internal
 */
export function streamInitialLoss(
  o: ResolvedInitialLossOptions,
  epsilon = 0,
  logitSoftCap?: number,
): InitialLossEstimate {
  const { vocabSize: n, hiddenSize: d, std, head, norm, shuffle, embeddingScale: e } = o;
  const sigma2 = std * std;
  const noise = o.positionVariance + o.residualVariance;
  const v = e * e * sigma2 + noise;
  const w = v + epsilon;
  const s = std * Math.sqrt((d * v) / w);
  const uniform = Math.log(n);
  if (head === 'untied' || head === 'ortho') {
    return {
      loss: backgroundLogSum(n, s).mean,
      uniformLoss: uniform,
      selfLogitMean: 0,
      selfLogitVariance: s * s,
    };
  }
  let selfLogitMean: number;
  let selfLogitVariance: number;
  if (head === 'tied') {
    selfLogitMean =
      (e * sigma2 * Math.sqrt(d) * chiMean(norm === 'rmsnorm' ? d : d - 1)) / Math.sqrt(w);
    selfLogitVariance = (d * sigma2 * (noise + (e * e * sigma2) / 2)) / w;
    if (logitSoftCap !== undefined) {
      // c·tanh(z/c) caps the self logit; background logits (s ≪ c) pass nearly unchanged.
      const slope = 1 - Math.tanh(selfLogitMean / logitSoftCap) ** 2;
      selfLogitMean = logitSoftCap * Math.tanh(selfLogitMean / logitSoftCap);
      selfLogitVariance *= slope * slope;
    }
  } else {
    const { fixedPoints, twoCycleDims } = shufflePermutation(d, shuffle as ShuffleSpec);
    selfLogitMean = (e * fixedPoints * sigma2) / Math.sqrt(w);
    selfLogitVariance =
      (sigma2 * (e * e * sigma2 * (d + twoCycleDims + fixedPoints) + d * noise)) / w;
  }
  const background = backgroundLogSum(n - 1, s);
  const loss =
    background.mean +
    expectedSoftplus(selfLogitMean - background.mean, selfLogitVariance + background.variance);
  return { loss, uniformLoss: uniform, selfLogitMean, selfLogitVariance };
}
