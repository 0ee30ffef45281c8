import { activationCovariance, activationMoments, isGated } from './activation-moments.js';
import {
  type CausalLMAnalysisOptions,
  type ResolvedCausalLMAnalysisOptions,
  resolveCausalLMAnalysisOptions,
} from './causal-lm-analysis-options.js';
import { fail, positiveInteger } from './validation.js';

/**
 * The per-coordinate variances that make up a causal LM's last hidden state at init, per
 * position `t` (what {@link residualStreamVariance} returns). The hidden state before the final
 * norm is `x_t = e·x_i + p_t + r_t`: token row, position embedding, sum of the residual
 * branches.
 *
 * @example
 * ```ts
 * import { residualStreamVariance, type ResidualStream } from 'tiedformer/analysis';
 * const stream: ResidualStream = residualStreamVariance(
 *   { vocabSize: 8192, hiddenSize: 256, numLayers: 4, numHeads: 4, intermediateSize: 1024, head: 'tied' },
 *   { sequenceLength: 64 },
 * );
 * stream.residualVariance[0]; // ρ² at the first position
 * ```
 */
export interface ResidualStream {
  /** `e²σ²`: the scaled token row's variance per coordinate. */
  tokenVariance: number;
  /** `π²`: the additive position embedding's (0 for rotary or none). */
  positionVariance: number;
  /** `ρ²(t)` for `t = 0 … sequenceLength − 1`: the summed branches' variance at each position. */
  residualVariance: number[];
  /** Per block `ℓ`, the attention branch's variance averaged over positions. */
  attentionVariance: number[];
  /** Per block `ℓ`, the FFN branch's variance averaged over positions. */
  ffnVariance: number[];
}

/** Sequences longer than this would need a covariance matrix of more than 64 M entries. */
const MAX_SEQUENCE = 8192;

/**
 * Propagates the second moments of the residual stream through a pre-norm causal LM at init.
 *
 * Tracks $K(j, k) = \mathbb E[x_j \cdot x_k]/d$ for all positions of one sequence of uniform
 * random tokens. Each block reads $u = x/\sqrt{K(t,t) + \varepsilon}$ (so
 * $\lVert u\rVert^2 \approx d$) and adds outputs that are uncorrelated with the stream (their
 * last matrix is independent and zero-mean):
 * - attention: near-uniform causal averaging (score variance $\omega^2 = (d s^2)^2$, small for
 *   small $s$), so $\text{out}_t$ has covariance
 *   $H h_d s_o^2 d s^2\, \mathbb E\left[\sum_{j,k \le t} a_{tj} a_{t'k} C_u(j,k)\right]$, with
 *   $\sum_j a_{tj}^2 \approx \left(1 + (1 - 1/m)(e^{\omega^2} - 1)\right)/m$ over the
 *   $m = t + 1$ visible keys;
 * - FFN: $f s_o^2\, \mathbb E[\operatorname{act}(a)\operatorname{act}(a')]$ with
 *   $a \sim \mathcal N(0, d s^2)$ and the correlation of the two inputs (Mehler's Hermite
 *   expansion; gated FFNs multiply the gate's by $d s^2 \rho$).
 * $s_o$ is $s$, $s/\sqrt{2L}$ or $0$ by `residualInit`. Positions share components (the FFN's mean
 * output, attention's prefix averages), which is why the full covariance is tracked.
 *
 * @param opts - The options `createCausalLM` takes.
 * @param sequence - `sequenceLength`: the number of positions the model reads (≤ 8192).
 * @returns `e²σ²`, `π²` and `ρ²(t)`, plus each block's branch variances.
 * @throws RangeError on invalid options or a sequence longer than `maxPositions` or 8192.
 * @example
 * ```ts
 * import { residualStreamVariance } from 'tiedformer/analysis';
 * const { residualVariance } = residualStreamVariance(
 *   { vocabSize: 8192, hiddenSize: 256, numLayers: 4, numHeads: 4, intermediateSize: 1024, head: 'tied' },
 *   { sequenceLength: 64 },
 * );
 * ```
 */
export function residualStreamVariance(
  opts: CausalLMAnalysisOptions,
  sequence: { sequenceLength: number },
): ResidualStream {
  const owner = 'residualStreamVariance';
  const o = resolveCausalLMAnalysisOptions(owner, opts);
  const length = resolveSequenceLength(owner, o, sequence);
  return propagate(o, length);
}

/** Validates `{ sequenceLength }` against the model. @internal */
export function resolveSequenceLength(
  owner: string,
  o: ResolvedCausalLMAnalysisOptions,
  sequence: { sequenceLength: number },
): number {
  if (typeof sequence !== 'object' || sequence === null)
    fail(owner, `expected { sequenceLength }, got ${String(sequence)}`);
  const length = positiveInteger(owner, 'sequenceLength', sequence.sequenceLength);
  if (length > MAX_SEQUENCE) fail(owner, `sequenceLength must be ≤ ${MAX_SEQUENCE}, got ${length}`);
  if (o.maxPositions !== undefined && length > o.maxPositions)
    fail(owner, `sequenceLength (${length}) exceeds maxPositions (${o.maxPositions})`);
  return length;
}

/** The propagation itself, on validated options. @internal */
export function propagate(o: ResolvedCausalLMAnalysisOptions, length: number): ResidualStream {
  const S = length;
  const d = o.hiddenSize;
  const eps = o.normEpsilon;
  const tokenVariance = o.embeddingScale ** 2 * o.embeddingStd ** 2;
  const positionVariance = o.positionEmbedding === 'learned' ? o.positionStd ** 2 : 0;
  const base = tokenVariance + positionVariance;
  // K[j·S + k] = E[x_j·x_k]/d; distinct random tokens and positions are uncorrelated at the start.
  const K = new Float64Array(S * S);
  for (let t = 0; t < S; t++) K[t * S + t] = base;
  const outStd =
    o.residualInit === 'zero'
      ? 0
      : o.residualInit === 'scaled'
        ? o.initStd / Math.sqrt(2 * o.numLayers)
        : o.initStd;
  const s2 = o.initStd ** 2;
  const attentionVariance: number[] = [];
  const ffnVariance: number[] = [];
  const Cu = new Float64Array(S * S);
  const prefix = new Float64Array((S + 1) * (S + 1));
  const gain = new Float64Array(S);

  /** Fills `gain` (`1/√(K(t,t) + ε)`, the norm's factor) and `Cu` (the normalised covariances). */
  const normalise = () => {
    for (let t = 0; t < S; t++) gain[t] = 1 / Math.sqrt((K[t * S + t] as number) + eps);
    for (let j = 0; j < S; j++)
      for (let k = 0; k < S; k++)
        Cu[j * S + k] = (K[j * S + k] as number) * (gain[j] as number) * (gain[k] as number);
  };

  for (let layer = 0; layer < o.numLayers; layer++) {
    if (outStd === 0) {
      attentionVariance.push(0);
      ffnVariance.push(0);
      continue;
    }
    const so2 = outStd * outStd;
    // Attention.
    normalise();
    for (let j = 0; j < S; j++) {
      let row = 0;
      for (let k = 0; k < S; k++) {
        row += Cu[j * S + k] as number;
        prefix[(j + 1) * (S + 1) + k + 1] = (prefix[j * (S + 1) + k + 1] as number) + row;
      }
    }
    let meanGain = 0;
    for (let t = 0; t < S; t++) meanGain += Cu[t * S + t] as number;
    meanGain /= S;
    const omega2 = (d * s2 * meanGain) ** 2;
    const unit = o.numHeads * o.headDim * so2 * d * s2;
    let diagonalSum = 0;
    let attentionTotal = 0;
    for (let t = 0; t < S; t++) {
      diagonalSum += Cu[t * S + t] as number;
      const m = t + 1;
      const block = prefix[(t + 1) * (S + 1) + t + 1] as number;
      const uniform = block / (m * m);
      // Softmax weights are not exactly uniform: Σa² exceeds 1/m; the excess moves weight from
      // the off-diagonal (shared) covariance to the diagonal.
      const meanDiagonal = diagonalSum / m;
      const meanOff = m > 1 ? (block - diagonalSum) / (m * m - m) : 0;
      const excess = ((1 - 1 / m) * Math.expm1(omega2)) / m;
      const own = unit * (uniform + excess * (meanDiagonal - meanOff));
      for (let t2 = 0; t2 < S; t2++) {
        if (t2 === t) continue;
        const m2 = t2 + 1;
        const cross = prefix[(t + 1) * (S + 1) + t2 + 1] as number;
        K[t * S + t2] = (K[t * S + t2] as number) + (unit * cross) / (m * m2);
      }
      K[t * S + t] = (K[t * S + t] as number) + own;
      attentionTotal += own;
    }
    attentionVariance.push(attentionTotal / S);
    // FFN.
    normalise();
    let q = 0;
    for (let t = 0; t < S; t++) q += d * s2 * (Cu[t * S + t] as number);
    q /= S;
    const moments = activationMoments(o.activation, q);
    const gated = isGated(o.activation);
    const scale = o.intermediateSize * so2;
    let ffnTotal = 0;
    for (let j = 0; j < S; j++) {
      const gj = Cu[j * S + j] as number;
      for (let k = 0; k < S; k++) {
        let value: number;
        if (j === k) {
          // The norms' gains differ across positions only through ε: use the layer's mean q.
          value = gated ? moments.meanSquare * q : moments.meanSquare;
        } else {
          const gk = Cu[k * S + k] as number;
          const rho = (Cu[j * S + k] as number) / Math.sqrt(gj * gk);
          const c = activationCovariance(moments, rho);
          value = gated ? c * q * rho : c;
        }
        K[j * S + k] = (K[j * S + k] as number) + scale * value;
        if (j === k) ffnTotal += scale * value;
      }
    }
    ffnVariance.push(ffnTotal / S);
  }
  const residualVariance = Array.from({ length: S }, (_, t) => (K[t * S + t] as number) - base);
  return { tokenVariance, positionVariance, residualVariance, attentionVariance, ffnVariance };
}
