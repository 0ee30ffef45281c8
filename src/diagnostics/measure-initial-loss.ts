import * as tf from '@tensorflow/tfjs';
import { positiveInteger } from '../analysis/validation.js';
import { sparseSoftmaxCrossEntropy } from '../backend/sparse-cross-entropy.js';
import { checkTokenIds } from './check-token-ids.js';

/**
 * The model's actual mean next-token cross-entropy (nats) on the given sequences: for each row
 * of `tokens`, the model reads `tokens[:, :-1]` and is scored on `tokens[:, 1:]`. Call it right
 * after building a model to compare with {@link analysis!estimateCausalLMInitialLoss} (same options,
 * `sequenceLength` = the row length − 1; on uniform random tokens they agree to ~0.03 nats on
 * average, see docs/initial-loss.md), or, for zero-initialised branches and rotary positions,
 * the 2-gram {@link analysis!estimateInitialLoss}. It is the synchronous twin of {@link evaluate} (same
 * number, tested), kept for calls where an `await` does not fit.
 *
 * @param model - Maps int32 ids `[batch, seq]` to logits `[batch, seq, vocab]`.
 * @param tokens - Sequences of equal length ≥ 2, as nested arrays or an int32 tensor `[batch, seq + 1]`.
 * @param batchSize - Rows per forward pass (bounds memory). Default `8`.
 * @returns Mean cross-entropy over all predicted positions, in nats.
 * @throws RangeError on ragged or too short sequences, or token ids out of range.
 * @example
 * ```ts
 * import { createCausalLM, measureInitialLoss } from 'tiedformer';
 * import { estimateInitialLoss } from 'tiedformer/analysis';
 * const opts = { vocabSize: 500, hiddenSize: 32, numLayers: 1, numHeads: 2, intermediateSize: 64, head: 'tied' as const, residualInit: 'zero' as const };
 * const model = createCausalLM(opts);
 * const tokens = Array.from({ length: 8 }, () => Array.from({ length: 33 }, () => Math.floor(Math.random() * 500)));
 * console.log(measureInitialLoss(model, tokens), estimateInitialLoss({ vocabSize: 500, hiddenSize: 32, std: 0.02, head: 'tied' }).loss);
 * ```
 */
export function measureInitialLoss(
  model: tf.LayersModel,
  tokens: number[][] | tf.Tensor,
  batchSize = 8,
): number {
  const owner = '[measureInitialLoss]';
  if (typeof (model as { predict?: unknown } | null)?.predict !== 'function')
    throw new RangeError(`${owner} model must be a tf.LayersModel, got ${String(model)}`);
  positiveInteger('measureInitialLoss', 'batchSize', batchSize);
  const rows = tokens instanceof tf.Tensor ? (tokens.arraySync() as number[][]) : tokens;
  if (!Array.isArray(rows) || rows.length === 0)
    throw new RangeError(`${owner} tokens must hold at least one sequence`);
  const length = rows[0]?.length ?? 0;
  if (length < 2) throw new RangeError(`${owner} sequences need at least 2 tokens, got ${length}`);
  rows.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== length) {
      throw new RangeError(
        `${owner} all sequences must have length ${length}; row ${i} has ${Array.isArray(row) ? row.length : 'none'}`,
      );
    }
  });
  checkTokenIds('measureInitialLoss', 'tokens', rows, model);
  let total = 0;
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize);
    total += tf.tidy(() => {
      const ids = tf.tensor2d(batch, [batch.length, length], 'int32');
      const inputs = tf.slice(ids, [0, 0], [batch.length, length - 1]);
      const targets = tf.slice(ids, [0, 1], [batch.length, length - 1]);
      const loss = sparseSoftmaxCrossEntropy(targets, model.predict(inputs) as tf.Tensor);
      return (loss.dataSync()[0] as number) * batch.length;
    });
  }
  return total / rows.length;
}
