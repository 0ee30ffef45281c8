import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { gelu, geluTanh } from '../../src/backend/activations.js';
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

describe('geluTanh', () => {
  it('matches PyTorch F.gelu(x, approximate="tanh") in float64', () => {
    // /usr/bin/python3 -c "import torch; print(torch.nn.functional.gelu(torch.tensor([-1., 0, 1, 2, 2.7], dtype=torch.float64), approximate='tanh').tolist())"
    const values = [
      -0.15880800939172324, 0, 0.8411919906082768, 1.954597694087775, 2.6911124053605326,
    ];
    expectClose(geluTanh(tf.tensor1d([-1, 0, 1, 2, 2.7])), values, 1e-6);
  });

  it('is not the exact GELU: they differ by more than 1e-4 near x = 2.7', () => {
    const x = tf.tensor1d([2.7]);
    const gap = Math.abs((geluTanh(x).dataSync()[0] as number) - (gelu(x).dataSync()[0] as number));
    expect(gap).toBeGreaterThan(1e-4);
  });
});
