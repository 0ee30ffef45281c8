import * as tf from '@tensorflow/tfjs';

/**
 * Rows of `table` at `ids`: `out[..., :] = table[ids[...], :]`, with a gradient that costs
 * O(tokens × d) and runs on every backend. tfjs' own `gather` gradient uses
 * `UnsortedSegmentSum`, which is O(vocab × tokens × d) on the cpu backend and missing on
 * wasm; this one scatters the incoming rows with `scatterND` (duplicates add up).
 *
 * Ids are not range-checked here: {@link TokenEmbedding} checks them with a clear error.
 *
 * @param table - `[vocabSize, d]`.
 * @param ids - Integer ids of any shape, dtype `int32`.
 * @returns `[...ids.shape, d]`.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { embeddingLookup } from 'tiedformer';
 * const table = tf.variable(tf.randomNormal([10, 4]));
 * const ids = tf.tensor2d([[1, 2, 1]], [1, 3], 'int32');
 * const grad = tf.grad((t: tf.Tensor) => embeddingLookup(t, ids).sum())(table); // row 1 gets 2s
 * ```
 */
export function embeddingLookup(table: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  const [vocabSize, width] = table.shape as [number, number];
  const lookup = tf.customGrad(((t: tf.Tensor, save: tf.GradSaveFunc) => {
    const flatIds = tf.reshape(ids, [-1]);
    const rows = tf.gather(t, flatIds); // [tokens, d]
    // Saved, not captured: the caller may dispose `ids` before the backward pass runs.
    save([flatIds]);
    return {
      value: tf.reshape(rows, [...ids.shape, width]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() =>
          tf.scatterND(tf.reshape(saved[0] as tf.Tensor, [-1, 1]), tf.reshape(dy, [-1, width]), [
            vocabSize,
            width,
          ]),
        ),
    };
  }) as Parameters<typeof tf.customGrad>[0]);
  return lookup(table);
}
