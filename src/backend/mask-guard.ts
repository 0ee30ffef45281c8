import * as tf from '@tensorflow/tfjs';
import { fail } from '../analysis/validation.js';

/** Backends whose `gather` throws on an out-of-range index (see id-range-guard.ts). */
const THROWING_GATHER = new Set(['cpu', 'wasm']);

/**
 * Checks a padding mask without reading it back to JavaScript: its dtype and shape (free) and
 * that every value is 0 or 1 (a mask of 0.5 or NaN would otherwise be read as "keep").
 *
 * - dtype must be float32, int32 or bool, and the shape `[batch, seq]` (both checked here);
 * - on cpu and wasm a gather at index 2 for every value other than 0 and 1 lets the kernel
 *   throw, rethrown naming `owner`; returns `undefined`;
 * - elsewhere returns a `[batch, seq]` float32 tensor of 0 (valid) or NaN (not), for the caller
 *   to add to what the mask touches.
 *
 * @internal
 */
export function maskGuard(
  owner: string,
  mask: tf.Tensor,
  batch: number,
  seq: number,
): tf.Tensor | undefined {
  if (mask.dtype !== 'float32' && mask.dtype !== 'int32' && mask.dtype !== 'bool')
    fail(
      owner,
      `paddingMask must be float32, int32 or bool (1 keep, 0 padding), got dtype ${mask.dtype}`,
    );
  if (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== seq)
    fail(owner, `paddingMask must be [batch, seq] = [${batch}, ${seq}], got [${mask.shape}]`);
  if (mask.dtype === 'bool') return undefined;
  if (THROWING_GATHER.has(tf.getBackend())) {
    // Made and freed outside any tidy, as in idRangeGuard: a throwing kernel leaves a scope open.
    const table = tf.zeros([2]);
    const flags = tf.tidy(() => {
      const binary = tf.logicalOr(tf.equal(mask, 0), tf.equal(mask, 1));
      const flagged = tf.where(
        binary,
        tf.zeros(mask.shape, 'int32'),
        tf.fill(mask.shape, 2, 'int32'),
      );
      return tf.reshape(flagged, [-1]);
    });
    try {
      tf.gather(table, flags).dispose();
    } catch (error) {
      if (!(error instanceof Error) || !/index value/.test(error.message)) throw error;
      fail(
        owner,
        'paddingMask must hold only 0 (padding) and 1 (keep); it holds another value (such as 0.5 or NaN)',
      );
    } finally {
      tf.dispose([table, flags]);
    }
    return undefined;
  }
  return tf.tidy(() => {
    const binary = tf.logicalOr(tf.equal(mask, 0), tf.equal(mask, 1));
    return tf.where(binary, tf.zeros(mask.shape), tf.fill(mask.shape, Number.NaN));
  });
}
