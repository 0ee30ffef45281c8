import * as tf from '@tensorflow/tfjs';
import { fail, positiveInteger } from '../analysis/validation.js';
import { sparseSoftmaxCrossEntropy } from '../backend/sparse-cross-entropy.js';
import { checkTokenRows } from './check-token-rows.js';

/**
 * What {@link evaluate} measured.
 * @example
 * ```ts
 * import type { Evaluation } from 'tiedformer';
 * const report = (e: Evaluation) => `loss ${e.loss.toFixed(3)}, perplexity ${e.perplexity.toFixed(1)} over ${e.tokens} tokens`;
 * ```
 */
export interface Evaluation {
  /** Mean next-token cross-entropy over every predicted position, in nats. */
  loss: number;
  /** `exp(loss)`. */
  perplexity: number;
  /** Number of predicted positions scored. */
  tokens: number;
}

/**
 * Scores a model on held-out sequences: the model reads `tokens[:, :-1]` and is scored on
 * `tokens[:, 1:]`; returns the mean cross-entropy over all predicted positions and its
 * perplexity `exp(loss)` (the corpus perplexity, not a mean of batch perplexities). Runs in
 * batches of `batchSize` rows without building a gradient; reads each batch's loss with
 * `await data()`.
 *
 * @param model - Maps int32 ids `[rows, seq]` to logits `[rows, seq, vocabSize]`.
 * @param tokens - Rows of equal length ≥ 2: nested arrays or an int32 tensor `[rows, seq + 1]`.
 * @param options - `batchSize`: rows per forward pass (bounds memory). Default `8`.
 * @returns Loss, perplexity and the number of scored positions.
 * @throws RangeError on ragged or too short rows, or token ids out of range.
 * @example
 * ```ts
 * import { createCausalLM, evaluate } from 'tiedformer';
 * const model = createCausalLM({ vocabSize: 100, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, head: 'tied' });
 * const rows = Array.from({ length: 4 }, () => Array.from({ length: 17 }, () => Math.floor(Math.random() * 100)));
 * const { loss, perplexity } = await evaluate(model, rows);
 * ```
 */
export async function evaluate(
  model: tf.LayersModel,
  tokens: number[][] | tf.Tensor,
  options: { batchSize?: number } = {},
): Promise<Evaluation> {
  const owner = 'evaluate';
  const batchSize = positiveInteger(owner, 'batchSize', options.batchSize ?? 8);
  let ids: tf.Tensor;
  if (tokens instanceof tf.Tensor) {
    if (tokens.rank !== 2 || tokens.dtype !== 'int32')
      fail(
        owner,
        `tokens must be an int32 [rows, seq + 1] tensor, got ${tokens.dtype} [${tokens.shape}]`,
      );
    ids = tokens;
  } else {
    const length = checkTokenRows(owner, tokens);
    ids = tf.tensor2d(tokens, [tokens.length, length], 'int32');
  }
  const [rows, length] = ids.shape as [number, number];
  if (length < 2) fail(owner, `rows need at least 2 tokens, got ${length}`);
  let total = 0;
  try {
    for (let start = 0; start < rows; start += batchSize) {
      const count = Math.min(batchSize, rows - start);
      const loss = tf.tidy(() => {
        const batch = tf.slice(ids, [start, 0], [count, length]);
        const inputs = tf.slice(batch, [0, 0], [count, length - 1]);
        const targets = tf.slice(batch, [0, 1], [count, length - 1]);
        return sparseSoftmaxCrossEntropy(targets, model.predict(inputs) as tf.Tensor);
      });
      total += ((await loss.data())[0] as number) * count;
      loss.dispose();
    }
  } finally {
    if (ids !== tokens) ids.dispose();
  }
  const loss = total / rows;
  return { loss, perplexity: Math.exp(loss), tokens: rows * (length - 1) };
}
