import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { normal } from '../../src/init/normal.js';
import { decodingStep } from '../../src/layers/decoding-step.js';
import { KeyValueCache } from '../../src/layers/key-value-cache.js';
import { MultiHeadAttention } from '../../src/layers/multi-head-attention.js';
import { checkpointCases } from '../helpers/checkpoint-fixtures.js';
import { expectLayerContract } from '../helpers/layer-contract.js';
import { expectMatchesReference, referenceCases } from '../helpers/reference.js';

describe('MultiHeadAttention', () => {
  it('passes the layer contract (causal, GQA, rotary, bias)', async () => {
    await expectLayerContract({
      create: () =>
        new MultiHeadAttention({
          numHeads: 4,
          numKeyValueHeads: 2,
          causal: true,
          rotary: true,
          useBias: true,
          kernelInitializer: normal({ std: 0.3 }),
        }),
      inputs: [{ shape: [2, 5, 16] }],
      outputShape: [2, 5, 16],
      trainableWeights: 8,
    });
  });

  it('passes the layer contract with a padding mask input', async () => {
    await expectLayerContract({
      create: () =>
        new MultiHeadAttention({ numHeads: 2, kernelInitializer: normal({ std: 0.3 }) }),
      inputs: [{ shape: [3, 4, 8] }, { shape: [3, 4], mask: true }],
      outputShape: [3, 4, 8],
      trainableWeights: 4,
    });
  });

  it.each(referenceCases('MultiHeadAttention').map((c) => [c.name, c] as const))(
    'matches PyTorch: %s',
    (_name, c) => {
      expectMatchesReference(new MultiHeadAttention(c.args as never), c);
    },
  );

  it.each(checkpointCases('MultiHeadAttention').map((c) => [c.name, c] as const))(
    'matches PyTorch (separate biases, RoPE base): %s',
    (_name, c) => {
      expectMatchesReference(new MultiHeadAttention(c.args as never), c);
    },
  );

  it.each([
    [{ qkvBias: true }, ['query_bias', 'key_bias', 'value_bias']],
    [{ outputBias: true }, ['output_bias']],
    [{ useBias: true, outputBias: false }, ['query_bias', 'key_bias', 'value_bias']],
  ])('adds only the biases asked for: %j', (args, biases) => {
    const attention = new MultiHeadAttention({ numHeads: 2, ...args });
    attention.apply(tf.zeros([1, 3, 4]));
    const names = attention.trainableWeights.map((w) => w.originalName.split('/').pop());
    expect(names.filter((n) => n?.endsWith('_bias'))).toEqual(biases);
  });

  it('is causal: perturbing token t+1 leaves outputs at ≤ t unchanged', () => {
    const attention = new MultiHeadAttention({
      numHeads: 2,
      causal: true,
      rotary: true,
      kernelInitializer: normal({ std: 0.5 }),
    });
    const x = tf.randomNormal([1, 6, 8], 0, 1, 'float32', 1);
    const before = (attention.apply(x) as tf.Tensor).arraySync() as number[][][];
    for (let t = 0; t < 5; t++) {
      const bump = tf.mul(tf.oneHot([t + 1], 6).reshape([1, 6, 1]), 3);
      const after = (attention.apply(tf.add(x, bump)) as tf.Tensor).arraySync() as number[][][];
      for (let s = 0; s <= t; s++) expect(after[0]?.[s]).toEqual(before[0]?.[s]);
      expect(after[0]?.[t + 1]).not.toEqual(before[0]?.[t + 1]);
    }
  });

  it('gives zeros, not NaN, for a query that may attend to no key', () => {
    const attention = new MultiHeadAttention({ numHeads: 2, causal: true });
    const x = tf.randomNormal([1, 4, 8]);
    const y = (
      attention.apply([x, tf.tensor2d([[0, 0, 1, 1]])]) as tf.Tensor
    ).arraySync() as number[][][];
    expect(y[0]?.[0]).toEqual(new Array(8).fill(0));
    expect(y[0]?.[1]).toEqual(new Array(8).fill(0));
    expect(y[0]?.[2]?.every((v) => Number.isFinite(v) && v !== 0)).toBe(true);
  });

  it('scales logits by 1/√headDim unless told otherwise', () => {
    expect(new MultiHeadAttention({ numHeads: 4, headDim: 16 }).scale).toBe(0.25);
    expect(new MultiHeadAttention({ numHeads: 4, headDim: 16, scale: 1 }).scale).toBe(1);
  });

  it.each([
    [{ numHeads: 0 }, '[MultiHeadAttention] numHeads must be a positive integer, got 0'],
    [
      { numHeads: 8, numKeyValueHeads: 3 },
      '[MultiHeadAttention] numHeads (8) must be divisible by numKeyValueHeads (3)',
    ],
    [{ numHeads: 2, dropout: 1 }, '[MultiHeadAttention] dropout must be in [0, 1), got 1'],
    [
      { numHeads: 2, dropout: Number.NaN },
      '[MultiHeadAttention] dropout must be in [0, 1), got NaN',
    ],
    [{ numHeads: 2, scale: -1 }, '[MultiHeadAttention] scale must be a finite number > 0, got -1'],
    [
      { numHeads: 2, headDim: 1.5 },
      '[MultiHeadAttention] headDim must be a positive integer, got 1.5',
    ],
  ])('rejects %j', (args, message) => {
    expect(() => new MultiHeadAttention(args as never)).toThrow(message);
  });

  it('rejects a hidden size not divisible by numHeads', () => {
    expect(() => new MultiHeadAttention({ numHeads: 8 }).apply(tf.ones([1, 2, 100]))).toThrow(
      '[MultiHeadAttention] hiddenSize (100) must be divisible by numHeads (8), or give headDim',
    );
  });

  it('rejects an odd headDim with rotary, a wrong rank and a mismatched mask', () => {
    expect(() =>
      new MultiHeadAttention({ numHeads: 2, headDim: 3, rotary: true }).apply(tf.ones([1, 2, 6])),
    ).toThrow('[MultiHeadAttention] rotary needs an even headDim, got 3');
    expect(() => new MultiHeadAttention({ numHeads: 2 }).apply(tf.ones([2, 8]))).toThrow(
      '[MultiHeadAttention] input must be [batch, seq, hiddenSize] with a known hiddenSize, got [2,8]',
    );
    const attention = new MultiHeadAttention({ numHeads: 2 });
    expect(() => attention.apply([tf.ones([2, 3, 8]), tf.ones([2, 4])])).toThrow(
      '[MultiHeadAttention] paddingMask must be [batch, seq] = [2, 3], got [2,4]',
    );
  });
});

describe('MultiHeadAttention.callCached', () => {
  // The full call with a causal + padding mask is the reference; the cached path runs a
  // 4-token prefill and then 1-token steps into a KeyValueCache, at the same (absolute) RoPE
  // positions, and must give the same output at every position.
  const cases = [
    { numKeyValueHeads: 4, useBias: false },
    { numKeyValueHeads: 2, useBias: true },
    { numKeyValueHeads: 1, useBias: false },
  ];
  for (const c of cases) {
    it(`equals the full pass at every position (${c.numKeyValueHeads} kv heads, bias ${c.useBias}, padded)`, async () => {
      const attention = new MultiHeadAttention({ numHeads: 4, causal: true, rotary: true, ...c });
      attention.build([2, 7, 16]);
      if (c.useBias)
        attention.setWeights(
          attention.getWeights().map((w) => tf.randomNormal(w.shape, 0, 0.5, 'float32', 9)),
        );
      const x = tf.randomNormal([2, 7, 16], 0, 1, 'float32', 4);
      const mask = tf.tensor2d([
        [1, 1, 1, 1, 1, 1, 1],
        [0, 0, 1, 1, 1, 1, 1],
      ]);
      const full = (await (attention.apply([x, mask]) as tf.Tensor).array()) as number[][][];
      const cache = new KeyValueCache({ capacity: 8 });
      const outputs: number[][][] = [[], []];
      for (const [start, seq] of [
        [0, 4],
        [4, 1],
        [5, 1],
        [6, 1],
      ] as const) {
        const step = decodingStep({ start, seq, capacity: 8, leftPadding: [0, 2] });
        const absolute = Int32Array.from({ length: 2 * seq }, (_, i) => start + (i % seq));
        const y = attention.callCached(tf.slice(x, [0, start, 0], [2, seq, 16]), cache, {
          ...step,
          positions: absolute,
        });
        const rows = (await y.array()) as number[][][];
        rows.forEach((r, b) => {
          outputs[b]?.push(...r);
        });
        tf.dispose([y, step.allowed]);
      }
      let worst = 0;
      let control = 0;
      for (let b = 0; b < 2; b++)
        for (let p = 0; p < 7; p++)
          for (let j = 0; j < 16; j++) {
            worst = Math.max(worst, Math.abs(outputs[b]![p]![j]! - full[b]![p]![j]!));
            if (p > 2)
              control = Math.max(control, Math.abs(outputs[b]![p]![j]! - full[b]![p - 1]![j]!));
          }
      expect(worst).toBeLessThan(1e-5);
      expect(control).toBeGreaterThan(1e-3); // negative control: the neighbouring position
      cache.dispose();
    });
  }

  it('needs a causal layer and a step that matches the cache', () => {
    const open = new MultiHeadAttention({ numHeads: 2, causal: false });
    open.build([1, 2, 8]);
    const cache = new KeyValueCache({ capacity: 4 });
    const step = decodingStep({ start: 0, seq: 2, capacity: 4, leftPadding: [0] });
    expect(() => open.callCached(tf.zeros([1, 2, 8]), cache, step)).toThrow(
      '[MultiHeadAttention] a key/value cache needs causal attention (causal: true)',
    );
    const causal = new MultiHeadAttention({ numHeads: 2, causal: true });
    causal.build([1, 2, 8]);
    expect(() => causal.callCached(tf.zeros([1, 3, 8]), cache, step)).toThrow(
      '[MultiHeadAttention] step must have 3 positions and allowed [1,1,3,4], got 2 and [1,1,2,4]',
    );
    const later = decodingStep({ start: 1, seq: 1, capacity: 4, leftPadding: [0] });
    expect(() => causal.callCached(tf.zeros([1, 1, 8]), cache, later)).toThrow(
      '[MultiHeadAttention] step starts at 1 but the cache holds 0 positions',
    );
    tf.dispose([step.allowed, later.allowed]);
    cache.dispose();
  });
});
