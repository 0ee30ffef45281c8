import type * as tf from '@tensorflow/tfjs';

/**
 * Checks token ids that arrive as JavaScript arrays, where reading them costs nothing: each must
 * be an integer in `[0, vocabSize)`, with `vocabSize` the last dimension of the model's output
 * (skipped when unknown). The message names the argument, the position and the value as given
 * (`tokens[0][2] = 2.5`), before tfjs would truncate 2.5 to 2, read NaN as 0 or wrap 1e10.
 * @internal
 */
export function checkTokenIds(
  owner: string,
  argument: string,
  rows: readonly (readonly unknown[])[],
  model: tf.LayersModel,
): void {
  const shape = model.outputs?.[0]?.shape;
  const vocabSize = shape ? shape[shape.length - 1] : null;
  rows.forEach((row, i) => {
    row.forEach((id, j) => {
      const ok =
        typeof id === 'number' &&
        Number.isInteger(id) &&
        id >= 0 &&
        (vocabSize == null || id < vocabSize);
      if (!ok) {
        const range =
          vocabSize == null ? 'a non-negative integer' : `an integer in [0, ${vocabSize})`;
        throw new RangeError(
          `[${owner}] ${argument}[${i}][${j}] = ${typeof id === 'string' ? JSON.stringify(id) : String(id)} is not a token id: expected ${range}`,
        );
      }
    });
  });
}
