import {
  type CausalLMAnalysisOptions,
  resolveCausalLMAnalysisOptions,
} from './causal-lm-analysis-options.js';
import { streamInitialLoss } from './initial-loss.js';
import { propagate, resolveSequenceLength } from './residual-stream-variance.js';

/**
 * Result of {@link estimateCausalLMInitialLoss}. Losses in nats; variances per coordinate of
 * the last hidden state before the final norm.
 *
 * @example
 * ```ts
 * import { estimateCausalLMInitialLoss, type CausalLMInitialLoss } from 'tiedformer/analysis';
 * const e: CausalLMInitialLoss = estimateCausalLMInitialLoss(
 *   { vocabSize: 8192, hiddenSize: 256, numLayers: 4, numHeads: 4, intermediateSize: 1024, head: 'tied' },
 *   { sequenceLength: 64 },
 * );
 * console.log(e.loss - e.uniform); // nats above ln n
 * ```
 */
export interface CausalLMInitialLoss {
  /** Expected mean cross-entropy over the `sequenceLength` positions, on uniform random tokens. */
  loss: number;
  /** `ln n`, the uniform distribution's cross-entropy. */
  uniform: number;
  /** The loss at each position `t = 0 … sequenceLength − 1`. */
  lossByPosition: number[];
  /** Mean over positions of the input token's own logit (0 for untied and ortho heads). */
  selfLogitMean: number;
  /** Mean over positions of the variance of every other logit, $s^2 = d\sigma^2 V/(V + \varepsilon)$. */
  otherLogitVariance: number;
  /** `e²σ²`, the scaled token row's variance. */
  tokenVariance: number;
  /** `π²`, the learned position embedding's variance (0 for rotary or none). */
  positionVariance: number;
  /** Mean over positions of `ρ²(t)`, the summed residual branches' variance. */
  residualVariance: number;
  /** $\kappa^2 = (\pi^2 + \rho^2)/(e^2\sigma^2)$ averaged over positions: how much the token row is drowned. */
  drowning: number;
  /** The 2-gram figure, {@link estimateInitialLoss} with no residual and no positions. */
  twoGramLoss: number;
}

/**
 * Estimated initial cross-entropy of the model `createCausalLM(opts)` builds, on uniform random
 * tokens, averaged over `sequenceLength` positions. Pure: no TensorFlow.js.
 *
 * The last hidden state at position $t$ is $x = e\,x_i + p_t + r_t$ (token row std $\sigma$
 * scaled by $e$, position embedding of variance $\pi^2$, branches $\rho^2(t)$ from
 * {@link residualStreamVariance}). After the final norm, every other logit is
 * $\mathcal N(0, s^2)$ with
 *
 * $$s^2 = \frac{d\sigma^2 V}{V + \varepsilon}, \qquad V = e^2\sigma^2 + \pi^2 + \rho^2,$$
 *
 * while a tied head's self logit shrinks from $\approx d\sigma$ to
 * $\approx e\,d\sigma^2/\sqrt{V + \varepsilon}$; the loss at each position is then the
 * head-level estimate of {@link estimateInitialLoss} with those variances.
 *
 * Accuracy and regime: checked against models measured with `measureInitialLoss` over depth
 * 1–12, d 32–512, vocab 256–8192, every head, activation and `residualInit` (see
 * docs/initial-loss.md for the table and its script), and against GPT-2-style models measured
 * in PyTorch. It assumes near-uniform attention at init (`d·s² ≲ 1`, true for `s = 0.02`
 * up to d ≈ 2500) and targets that are not the input token; on real text, where the next token
 * sometimes repeats the current one, a tied head measures lower.
 *
 * @param opts - Exactly the options `createCausalLM` takes.
 * @param sequence - `sequenceLength`: positions per sequence the loss is averaged over.
 * @returns The loss, `ln n`, and the parts that explain it.
 * @throws RangeError on invalid options, naming the option and the value.
 * @example
 * ```ts
 * import { estimateCausalLMInitialLoss } from 'tiedformer/analysis';
 * const opts = {
 *   vocabSize: 2000, hiddenSize: 512, numLayers: 1, numHeads: 8, intermediateSize: 2048,
 *   head: 'tied' as const,
 * };
 * const { loss, uniform, twoGramLoss } = estimateCausalLMInitialLoss(opts, { sequenceLength: 64 });
 * console.log(loss - uniform, twoGramLoss - uniform); // the trunk drowns most of the 2-gram excess
 * ```
 */
export function estimateCausalLMInitialLoss(
  opts: CausalLMAnalysisOptions,
  sequence: { sequenceLength: number },
): CausalLMInitialLoss {
  const owner = 'estimateCausalLMInitialLoss';
  const o = resolveCausalLMAnalysisOptions(owner, opts);
  const length = resolveSequenceLength(owner, o, sequence);
  const stream = propagate(o, length);
  const head = {
    vocabSize: o.vocabSize,
    hiddenSize: o.hiddenSize,
    std: o.embeddingStd,
    head: o.head,
    norm: o.norm,
    shuffle: o.shuffle,
    embeddingScale: o.embeddingScale,
    positionVariance: stream.positionVariance,
  };
  const lossByPosition: number[] = [];
  let selfLogitMean = 0;
  let otherLogitVariance = 0;
  let residualVariance = 0;
  for (const rho2 of stream.residualVariance) {
    const e = streamInitialLoss({ ...head, residualVariance: rho2 }, o.normEpsilon, o.logitSoftCap);
    // A uniform random target is the input token itself with probability 1/n; the loss is
    // then smaller by the self logit.
    lossByPosition.push(e.loss - e.selfLogitMean / o.vocabSize);
    selfLogitMean += e.selfLogitMean / length;
    const v = stream.tokenVariance + stream.positionVariance + rho2;
    otherLogitVariance += (o.hiddenSize * o.embeddingStd ** 2 * v) / (v + o.normEpsilon) / length;
    residualVariance += rho2 / length;
  }
  const loss = lossByPosition.reduce((a, b) => a + b, 0) / length;
  const twoGramLoss = streamInitialLoss(
    { ...head, positionVariance: 0, residualVariance: 0, embeddingScale: 1 },
    0,
    o.logitSoftCap,
  ).loss;
  return {
    loss,
    uniform: Math.log(o.vocabSize),
    lossByPosition,
    selfLogitMean,
    otherLogitVariance,
    tokenVariance: stream.tokenVariance,
    positionVariance: stream.positionVariance,
    residualVariance,
    drowning: (stream.positionVariance + residualVariance) / stream.tokenVariance,
    twoGramLoss,
  };
}
