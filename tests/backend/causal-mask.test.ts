import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { causalMask, maxAttentionValues } from '../../src/backend/causal-mask.js';
import { MultiHeadAttention } from '../../src/layers/multi-head-attention.js';

function backendStillComputes(): boolean {
  const product = tf.tidy(() => Array.from(tf.matMul(tf.ones([2, 2]), tf.ones([2, 2])).dataSync()));
  return product.every((v) => v === 2);
}

describe('causalMask', () => {
  it('is the lower triangle, shared per length, and survives tidy', () => {
    const mask = tf.tidy(() => causalMask(3));
    expect(mask.isDisposed).toBe(false);
    expect(mask.shape).toEqual([1, 1, 3, 3]);
    expect(Array.from(mask.dataSync())).toEqual([1, 0, 0, 1, 1, 0, 1, 1, 1]);
    expect(causalMask(3)).toBe(mask);
    expect(causalMask(4)).not.toBe(mask);
  });

  it('keeps a few lengths and disposes the least recently used', () => {
    const first = causalMask(101);
    for (const seq of [102, 103, 104, 105]) causalMask(seq);
    expect(first.isDisposed).toBe(true);
    const rebuilt = causalMask(101);
    expect(rebuilt.isDisposed).toBe(false);
    expect(rebuilt).not.toBe(first);
  });

  it('builds no [S, S] tensor per layer: a second causal layer adds no mask', () => {
    const x = tf.ones([1, 6, 8]);
    const layers = [0, 1].map(() => new MultiHeadAttention({ numHeads: 2, causal: true }));
    for (const layer of layers) tf.dispose(layer.apply(x) as tf.Tensor); // builds and warms
    const before = tf.memory().numTensors;
    for (const layer of layers) tf.dispose(layer.apply(x) as tf.Tensor);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});

describe('attention too long for the backend', () => {
  it('fails at once with a named error, leaks nothing, and the backend still computes', () => {
    // The case on wasm: causal [1, 8192, 16] with 2 heads corrupted the heap. Pick the
    // shortest sequence over the active backend's limit with 2 heads.
    const seq = Math.floor(Math.sqrt(maxAttentionValues() / 2)) + 1;
    const attention = new MultiHeadAttention({ numHeads: 2, causal: true });
    const x = tf.zeros([1, seq, 16]);
    const before = tf.memory().numTensors;
    const start = Date.now();
    expect(() => attention.apply(x)).toThrow(
      `[MultiHeadAttention] attention scores [1, 2, ${seq}, ${seq}] would hold`,
    );
    expect(Date.now() - start).toBeLessThan(5000);
    // Its weights were built (4 kernels); nothing else is left behind.
    expect(tf.memory().numTensors - before).toBe(attention.weights.length);
    expect(backendStillComputes()).toBe(true);
    for (const w of attention.weights) w.dispose();
    x.dispose();
  });
});
