import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { transposeMatrix } from '../../src/backend/transpose-matrix.js';

describe('transposeMatrix', () => {
  it('equals tf.transpose for shapes that are not multiples of the tile', () => {
    for (const [rows, cols] of [
      [1, 1],
      [37, 70],
      [64, 32],
      [3, 129],
    ] as const) {
      const x = tf.randomNormal([rows, cols]);
      const ours = transposeMatrix(x);
      const theirs = tf.transpose(x);
      expect(ours.shape).toEqual([cols, rows]);
      expect(Array.from(ours.dataSync())).toEqual(Array.from(theirs.dataSync()));
      tf.dispose([x, ours, theirs]);
    }
    if (tf.getBackend() === 'wasm') {
      expect(tf.getKernel('TiedformerTransposeMatrix', 'wasm')).toBeDefined();
    }
  });

  it('keeps int32 values exactly and survives heap growth', () => {
    // 16 MiB in and out: the output's allocation grows the wasm heap.
    const x = tf.range(0, 2048 * 2048, 1, 'int32').reshape([2048, 2048]);
    const t = transposeMatrix(x);
    const values = t.dataSync();
    expect(t.dtype).toBe('int32');
    expect(values[1]).toBe(2048); // t[0, 1] = x[1, 0]
    expect(values[2048 * 5 + 7]).toBe(7 * 2048 + 5); // t[5, 7] = x[7, 5]
    tf.dispose([x, t]);
  });

  it('transposes bool matrices too (the heap holds them as bytes)', () => {
    const x = tf.tensor2d([true, false, false, true, true, false], [2, 3], 'bool');
    const t = transposeMatrix(x);
    expect(t.dtype).toBe('bool');
    expect(t.shape).toEqual([3, 2]);
    expect(Array.from(t.dataSync())).toEqual([1, 1, 0, 1, 0, 0]);
    tf.dispose([x, t]);
  });

  it('leaves higher ranks to tf.transpose and leaks no tensors', () => {
    const x = tf.randomNormal([2, 3, 4]);
    const matrix = tf.zeros([5, 6]);
    const before = tf.memory().numTensors;
    const t = transposeMatrix(x);
    expect(t.shape).toEqual([4, 3, 2]);
    t.dispose();
    transposeMatrix(matrix).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, matrix]);
  });
});
