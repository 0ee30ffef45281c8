import * as tf from '@tensorflow/tfjs';

/**
 * Backends whose `gather` kernel throws on an index outside the gathered axis (checked in
 * tfjs 4.22; tests/backend/id-range-guard.test.ts keeps it true). webgl reads zeros there
 * (unless tfjs' DEBUG flag is on), and webgpu and native TensorFlow on a GPU cannot throw.
 */
const THROWING_GATHER = new Set(['cpu', 'wasm']);

/** tfjs' message: `GatherV2: the index value 70 is not in [0, 63]`. */
const GATHER_RANGE_ERROR = /index value (-?\d+) is not in \[0, \d+\]/;

/**
 * Guards integer ids that must lie in `[0, size)` without reading them back to JavaScript
 * (a synchronous read stalls the GPU queue on webgl and webgpu):
 *
 * - on `cpu` and `wasm`, a gather of `ids` from a `[size]` vector lets the kernel check the
 *   range, and its error is rethrown naming `owner` and the bad id; returns `undefined`;
 * - on every other backend, returns a float32 tensor of `ids.shape` holding `0` where the id is
 *   valid and `NaN` where it is not, for the caller to add to its result: a bad id then shows
 *   as NaN in what it touched (rows, logits, loss), never as a plausible wrong number.
 *
 * @param owner - Class or function name for the error, e.g. `'TokenEmbedding'`.
 * @param what - What the ids are, e.g. `'token id'`.
 * @param ids - int32 ids of any shape.
 * @param size - Exclusive upper bound.
 * @returns `undefined` where the backend checked, else the `0`/`NaN` poison tensor.
 * @throws RangeError on `cpu` and `wasm` if an id is outside `[0, size)`.
 * @internal
 */
export function idRangeGuard(
  owner: string,
  what: string,
  ids: tf.Tensor,
  size: number,
): tf.Tensor | undefined {
  if (THROWING_GATHER.has(tf.getBackend())) {
    // Made and freed outside any tidy: a kernel that throws leaves tfjs' scope stack one deep,
    // so a tensor made inside the tidy would escape its cleanup.
    const table = tf.zeros([size]);
    const flat = tf.reshape(ids, [-1]);
    try {
      tf.gather(table, flat).dispose();
    } catch (error) {
      const match = error instanceof Error ? GATHER_RANGE_ERROR.exec(error.message) : null;
      if (!match) throw error;
      throw new RangeError(`[${owner}] ${what} ${match[1]} is outside [0, ${size})`, {
        cause: error,
      });
    } finally {
      tf.dispose([table, flat]);
    }
    return undefined;
  }
  return tf.tidy(() => {
    const valid = tf.logicalAnd(tf.greaterEqual(ids, 0), tf.less(ids, size));
    return tf.where(valid, tf.zeros(ids.shape), tf.fill(ids.shape, Number.NaN));
  });
}
