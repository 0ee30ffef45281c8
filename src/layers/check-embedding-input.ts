import * as tf from '@tensorflow/tfjs';
import { fail } from '../analysis/validation.js';

/**
 * Checks a TokenEmbedding input from its dtype and shape only (no read of the values):
 *
 * - an input with a zero-sized axis (empty batch, empty sequence) is refused, naming its shape
 *   (tfjs fails later with `Cannot infer the missing size in [-1,0,16]`);
 * - a float input straight from a model's `tf.input(...)` is refused: it can only be token ids
 *   made without `dtype: 'int32'`, which would otherwise be read as hidden states and turn the
 *   embedding into the head.
 * @internal
 */
export function checkEmbeddingInput(
  owner: string,
  x: tf.Tensor | tf.SymbolicTensor,
  hiddenSize: number,
): void {
  if (x.shape.some((s) => s === 0))
    fail(owner, `input must not be empty, got shape [${x.shape.map(String)}]`);
  if (x instanceof tf.SymbolicTensor && x.dtype !== 'int32') {
    const source = x.sourceLayer?.getClassName();
    if (source === 'InputLayer') {
      fail(
        owner,
        `a model input of dtype ${x.dtype} cannot feed the embedding: token ids must be int32 (tf.input({ shape, dtype: 'int32' })); hidden states for the tied projection (last dimension ${hiddenSize}) come from a layer, not from an input`,
      );
    }
  }
}
