import { fail, positiveInteger } from './validation.js';

/**
 * Init std for a tied embedding that keeps the self logit in check: $\sigma = \ln(n)/d$, so
 * that $e^{d\sigma} = n$ and the initial loss is about $\ln(2n)$ instead of
 * $\ln n + d\sigma$.
 * (docs/theory.md §1 and §4, remedy 1; the loss is then `ln n + 0.7 … 1.6`.) It assumes the
 * 2-gram regime: the token row alone in the last hidden state. When a model's trunk or position
 * embedding already drowns the self logit (see {@link estimateCausalLMInitialLoss}), a
 * smaller std is not needed.
 *
 * @param vocabSize - Vocabulary size `n` (integer ≥ 2).
 * @param hiddenSize - Hidden size `d` (positive integer).
 * @returns `ln(n) / d`.
 * @throws RangeError if a size is not a positive integer or `vocabSize < 2`.
 * @example
 * ```ts
 * import { recommendedTiedStd } from 'tiedformer/analysis';
 * recommendedTiedStd(50257, 768); // ≈ 0.0141
 * ```
 */
export function recommendedTiedStd(vocabSize: number, hiddenSize: number): number {
  const n = positiveInteger('recommendedTiedStd', 'vocabSize', vocabSize);
  const d = positiveInteger('recommendedTiedStd', 'hiddenSize', hiddenSize);
  if (n < 2) fail('recommendedTiedStd', `vocabSize must be ≥ 2, got ${n}`);
  return Math.log(n) / d;
}
