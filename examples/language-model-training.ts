/**
 * Data helpers of the demo: seeded random windows from a token stream, tiled windows, and the
 * synchronous mean loss the demo's initial-loss table uses (training and the curves use the
 * library's `train` and `evaluate`).
 */
import mt19937 from '@stdlib/random-base-mt19937';
import * as tf from '@tensorflow/tfjs';
import { sparseSoftmaxCrossEntropy } from 'tiedformer';

/** Uniform numbers in [0, 1) from a seeded Mersenne Twister, for reproducible window offsets. */
export function seededUniform(seed: number): () => number {
  const next = mt19937.factory({ seed: Math.max(1, seed) }); // uint32s
  return () => next() / 4294967296;
}

/** `count` windows of `length` consecutive ids at random offsets: `[count, length]` int32. */
export function randomWindows(
  ids: Int32Array,
  count: number,
  length: number,
  uniform: () => number,
): tf.Tensor2D {
  const out = new Int32Array(count * length);
  for (let i = 0; i < count; i++) {
    const start = Math.floor(uniform() * (ids.length - length));
    out.set(ids.subarray(start, start + length), i * length);
  }
  return tf.tensor2d(out, [count, length], 'int32');
}

/** Consecutive non-overlapping windows covering the stream (the tail that does not fill one is left out). */
export function tiledWindows(
  ids: Int32Array,
  length: number,
  maxWindows = Number.POSITIVE_INFINITY,
): Int32Array[] {
  const windows: Int32Array[] = [];
  for (
    let start = 0;
    start + length <= ids.length && windows.length < maxWindows;
    start += length - 1
  ) {
    windows.push(ids.subarray(start, start + length));
  }
  return windows;
}

/** Mean next-token cross-entropy (nats) of `model` over the windows, `batchSize` at a time. */
export function meanLoss(model: tf.LayersModel, windows: Int32Array[], batchSize = 32): number {
  let total = 0;
  let count = 0;
  for (let i = 0; i < windows.length; i += batchSize) {
    const batch = windows.slice(i, i + batchSize);
    const length = (batch[0] as Int32Array).length;
    total += tf.tidy(() => {
      const flat = new Int32Array(batch.length * length);
      for (const [j, w] of batch.entries()) flat.set(w, j * length);
      const tokens = tf.tensor2d(flat, [batch.length, length], 'int32');
      const inputs = tf.slice(tokens, [0, 0], [batch.length, length - 1]);
      const targets = tf.slice(tokens, [0, 1], [batch.length, length - 1]);
      return (
        (sparseSoftmaxCrossEntropy(
          targets,
          model.predict(inputs) as tf.Tensor,
        ).dataSync()[0] as number) * batch.length
      );
    });
    count += batch.length;
  }
  return total / count;
}
