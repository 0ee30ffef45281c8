import { knownKeys, options, positiveInteger, positiveNumber } from './validation.js';

/**
 * Options of {@link trainingFlops}.
 *
 * @example
 * ```ts
 * import type { TrainingFlopsOptions } from 'tiedformer/analysis';
 * const opts: TrainingFlopsOptions = { params: 124e6, tokens: 1e9, seqLen: 1024, hiddenSize: 768 };
 * ```
 */
export interface TrainingFlopsOptions {
  /** Non-embedding parameter count `N` (Kaplan et al. 2020 count FLOPs per non-embedding parameter). */
  params: number;
  /** Training tokens `D`. */
  tokens: number;
  /** Sequence length `s` (adds the attention term). */
  seqLen: number;
  /** Hidden size `d`. */
  hiddenSize: number;
}

/**
 * Approximate training compute: `C ≈ 6·N·D·(1 + s/(6d))` FLOPs (forward + backward; the
 * `s/(6d)` term is attention's `QKᵀ` and `AV` work, Kaplan et al. 2020, Table 1).
 *
 * @param opts - Parameters, tokens, sequence length and hidden size.
 * @returns Estimated floating-point operations.
 * @throws RangeError if a value is not positive and finite (`seqLen` and `hiddenSize` must be integers).
 * @see Kaplan et al. 2020, "Scaling Laws for Neural Language Models".
 * @example
 * ```ts
 * import { countParams, presets, trainingFlops } from 'tiedformer/analysis';
 * const { nonEmbedding } = countParams(presets.gpt2.config);
 * // GPT-2 small on 10B tokens at sequence length 1024: ≈ 5.3e18 FLOPs.
 * trainingFlops({ params: nonEmbedding, tokens: 10e9, seqLen: 1024, hiddenSize: 768 });
 * ```
 */
export function trainingFlops(opts: TrainingFlopsOptions): number {
  const owner = 'trainingFlops';
  const raw = options(owner, opts);
  knownKeys(owner, raw, ['params', 'tokens', 'seqLen', 'hiddenSize']);
  const params = positiveNumber(owner, 'params', raw.params);
  const tokens = positiveNumber(owner, 'tokens', raw.tokens);
  const seqLen = positiveInteger(owner, 'seqLen', raw.seqLen);
  const hiddenSize = positiveInteger(owner, 'hiddenSize', raw.hiddenSize);
  return 6 * params * tokens * (1 + seqLen / (6 * hiddenSize));
}
