import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { CLIP_EPSILON, sumOfSquares } from '../../src/training/sum-of-squares.js';

describe('sumOfSquares', () => {
  it('adds every element squared over all tensors (0 for none), leaking nothing', async () => {
    const a = tf.tensor1d([3, 4]);
    const b = tf.tensor2d([1, -2, 0, 2], [2, 2]);
    const before = tf.memory().numTensors;
    const s = sumOfSquares([a, b]);
    expect(await s.data()).toEqual(new Float32Array([9 + 16 + 1 + 4 + 0 + 4]));
    const none = sumOfSquares([]);
    expect(await none.data()).toEqual(new Float32Array([0]));
    tf.dispose([s, none]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });

  it("uses PyTorch's clipping epsilon", () => {
    expect(CLIP_EPSILON).toBe(1e-6);
  });
});
