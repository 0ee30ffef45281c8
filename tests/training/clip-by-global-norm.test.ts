import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { clipByGlobalNorm } from '../../src/index.js';

describe('clipByGlobalNorm', () => {
  it('scales every gradient by maxNorm / ‖g‖ over all of them (closed form 3-4-12-13)', async () => {
    const { grads, norm } = clipByGlobalNorm({ a: tf.tensor1d([3, 4]), b: tf.tensor1d([12]) }, 1);
    expect((await norm.data())[0]).toBeCloseTo(13, 5);
    const scale = 1 / (13 + 1e-6);
    expect(Array.from(await (grads.a as tf.Tensor).data())).toEqual(
      [3, 4].map((x) => expect.closeTo(x * scale, 6)),
    );
    expect((await (grads.b as tf.Tensor).data())[0]).toBeCloseTo(12 * scale, 6);
  });

  it('leaves gradients under the limit unchanged', async () => {
    const { grads } = clipByGlobalNorm({ a: tf.tensor1d([0.3, 0.4]) }, 1);
    expect(Array.from(await (grads.a as tf.Tensor).data())).toEqual([
      expect.closeTo(0.3, 6),
      expect.closeTo(0.4, 6),
    ]);
  });

  it('keeps only its outputs alive', () => {
    const a = tf.tensor1d([3, 4]);
    const before = tf.memory().numTensors;
    const { grads, norm } = clipByGlobalNorm({ a }, 1);
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([grads.a as tf.Tensor, norm, a]);
  });

  it('rejects a non-positive maxNorm by name', () => {
    expect(() => clipByGlobalNorm({}, 0)).toThrow(
      /\[clipByGlobalNorm\] maxNorm must be a finite number > 0, got 0/,
    );
  });
});
