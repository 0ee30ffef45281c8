/**
 * Training and evaluation helpers of the demo: seeded random windows from a token stream, a
 * training step with the fused cross-entropy, and the mean validation loss.
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

/** One Adam step on `tokens [batch, seq + 1]`; returns the training loss. */
export function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  tokens: tf.Tensor2D,
): number {
  const [batch, length] = tokens.shape;
  return tf.tidy(() => {
    const inputs = tf.slice(tokens, [0, 0], [batch, length - 1]);
    const targets = tf.slice(tokens, [0, 1], [batch, length - 1]);
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const loss = optimizer.minimize(
      () => sparseSoftmaxCrossEntropy(targets, model.apply(inputs) as tf.Tensor),
      true,
      variables,
    );
    return (loss as tf.Scalar).dataSync()[0] as number;
  });
}
