import { fail, positiveInteger } from './validation.js';

/**
 * Number of parameters in one token-embedding matrix: `vocabSize · hiddenSize`.
 *
 * An untied model stores this twice (input embedding and output head), a tied model once.
 *
 * @param vocabSize - Vocabulary size `n` (positive integer).
 * @param hiddenSize - Hidden size `d` (positive integer).
 * @returns `n · d`.
 * @throws RangeError if a size is not a positive integer or the product is not a safe integer.
 * @example
 * ```ts
 * import { embeddingParams } from 'tiedformer/analysis';
 * embeddingParams(50257, 768); // 38_597_376 (GPT-2 small's token embedding)
 * ```
 */
export function embeddingParams(vocabSize: number, hiddenSize: number): number {
  positiveInteger('embeddingParams', 'vocabSize', vocabSize);
  positiveInteger('embeddingParams', 'hiddenSize', hiddenSize);
  const product = vocabSize * hiddenSize;
  if (!Number.isSafeInteger(product)) {
    fail('embeddingParams', `vocabSize · hiddenSize = ${product} exceeds 2^53`);
  }
  return product;
}

/**
 * Share of a model's parameters held by one token-embedding matrix:
 * `embeddingShare(n, d, total) = n·d / total`.
 *
 * For an untied model the output head holds the same amount again; double the result for
 * "input + output" (Llama-3-8B: 6.54 % each, 13.08 % together).
 *
 * @param vocabSize - Vocabulary size `n` (positive integer).
 * @param hiddenSize - Hidden size `d` (positive integer).
 * @param totalParams - Total parameter count of the model (integer ≥ `n·d`).
 * @returns A fraction in (0, 1].
 * @throws RangeError if a size is not a positive integer or `totalParams < n·d`.
 * @example
 * ```ts
 * import { embeddingShare } from 'tiedformer/analysis';
 * // Llama-3-8B: vocabulary 128,256 (not 151,936, which is Qwen's), d = 4096.
 * const share = embeddingShare(128256, 4096, 8_030_261_248); // ≈ 0.0654
 * console.log(`${(share * 100).toFixed(2)} %`); // "6.54 %"
 * ```
 */
export function embeddingShare(vocabSize: number, hiddenSize: number, totalParams: number): number {
  positiveInteger('embeddingShare', 'vocabSize', vocabSize);
  positiveInteger('embeddingShare', 'hiddenSize', hiddenSize);
  positiveInteger('embeddingShare', 'totalParams', totalParams);
  const embedding = vocabSize * hiddenSize;
  if (totalParams < embedding) {
    fail(
      'embeddingShare',
      `totalParams (${totalParams}) is smaller than the embedding alone (vocabSize · hiddenSize = ${embedding})`,
    );
  }
  return embedding / totalParams;
}
