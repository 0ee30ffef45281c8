import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { splitBatch } from '../../src/backend/split-batch.js';

describe('splitBatch', () => {
  it('returns the slices along the first axis, in order, with their values', () => {
    const x = tf.tensor3d(
      Array.from({ length: 3 * 2 * 4 }, (_, i) => i * 0.5 - 3),
      [3, 2, 4],
    );
    const slices = splitBatch(x);
    const expected = tf.unstack(x);
    expect(slices).toHaveLength(3);
    slices.forEach((slice, i) => {
      expect(slice.shape).toEqual([2, 4]);
      expect(slice.dtype).toBe('float32');
      expect(Array.from(slice.dataSync())).toEqual(
        Array.from((expected[i] as tf.Tensor).dataSync()),
      );
    });
    // On wasm the heap-copy kernel must be the one that ran, not the tf.unstack fallback.
    if (tf.getBackend() === 'wasm') {
      expect(tf.getKernel('TiedformerSplitBatch', 'wasm')).toBeDefined();
    }
    tf.dispose([x, ...slices, ...expected]);
  });

  it('keeps int32 values and survives heap growth between slices', () => {
    // 8 slices of 1 MiB each: allocating the outputs grows the wasm heap mid-kernel.
    const x = tf.range(0, 8 * 262144, 1, 'int32').reshape([8, 512, 512]);
    const slices = splitBatch(x);
    slices.forEach((slice, i) => {
      const values = slice.dataSync();
      expect(slice.dtype).toBe('int32');
      expect(values[0]).toBe(i * 262144);
      expect(values[values.length - 1]).toBe((i + 1) * 262144 - 1);
    });
    tf.dispose([x, ...slices]);
  });

  it('leaks no tensors', () => {
    const x = tf.randomNormal([4, 3, 5]);
    const before = tf.memory().numTensors;
    tf.dispose(splitBatch(x));
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
