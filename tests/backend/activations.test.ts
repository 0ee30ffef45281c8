import * as tf from '@tensorflow/tfjs';
import { describe, it } from 'vitest';
import { gelu } from '../../src/backend/activations.js';
import { expectClose } from '../helpers/reference.js';

describe('gelu', () => {
  it('is x·Φ(x): known values', () => {
    // Φ(1) = 0.8413447460685429, Φ(−1) = 0.15865525393145707, Φ(2) = 0.9772498680518208 (normal tables).
    expectClose(
      gelu(tf.tensor1d([-1, 0, 1, 2])),
      [-0.15865525393145707, 0, 0.8413447460685429, 2 * 0.9772498680518208],
      1e-6,
    );
  });

  it('has derivative Φ(x) + x·φ(x)', () => {
    const x = tf.tensor1d([-1, 0, 1]);
    const phi = (v: number) => Math.exp((-v * v) / 2) / Math.sqrt(2 * Math.PI);
    const expected = [0.15865525393145707 - phi(1), 0.5, 0.8413447460685429 + phi(1)];
    expectClose(tf.grad((v: tf.Tensor) => tf.sum(gelu(v)))(x), expected, 1e-5);
  });
});
