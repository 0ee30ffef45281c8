import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { TransformerBlock } from '../../src/layers/transformer-block.js';
import { expectLayerContract } from '../helpers/layer-contract.js';
import { expectMatchesReference, referenceCases } from '../helpers/reference.js';

describe('TransformerBlock', () => {
  it('passes the layer contract', async () => {
    await expectLayerContract({
      create: () =>
        new TransformerBlock({
          numHeads: 2,
          intermediateSize: 16,
          initStd: 0.2,
          rotary: true,
          seed: 1,
        }),
      inputs: [{ shape: [2, 4, 8] }],
      outputShape: [2, 4, 8],
      trainableWeights: 2 + 4 + 2, // two norm gains, q k v o, up and down
    });
  });

  it('passes the layer contract with a padding mask and GQA', async () => {
    await expectLayerContract({
      create: () =>
        new TransformerBlock({
          numHeads: 4,
          numKeyValueHeads: 2,
          intermediateSize: 16,
          activation: 'swiglu',
          initStd: 0.2,
        }),
      inputs: [{ shape: [2, 4, 8] }, { shape: [2, 4], mask: true }],
      outputShape: [2, 4, 8],
      trainableWeights: 2 + 4 + 3,
    });
  });

  it.each(referenceCases('TransformerBlock').map((c) => [c.name, c] as const))(
    'matches PyTorch: %s',
    (_name, c) => {
      expectMatchesReference(new TransformerBlock(c.args as never), c);
    },
  );

  it("is the identity at init with residualInit: 'zero'", () => {
    const block = new TransformerBlock({ numHeads: 2, intermediateSize: 16, residualInit: 'zero' });
    const x = tf.randomNormal([2, 5, 8]);
    const y = block.apply(x) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
  });

  it("draws the residual output projections with std σ/√(2L) for residualInit: 'scaled'", () => {
    const block = new TransformerBlock({
      numHeads: 4,
      intermediateSize: 1024,
      residualInit: 'scaled',
      numLayers: 8,
      initStd: 0.02,
      seed: 1,
    });
    block.apply(tf.zeros([1, 2, 256]));
    const std = (name: string) => {
      const w = block.trainableWeights.find((v) => v.originalName.endsWith(name));
      return Math.sqrt(tf.mean(tf.square(w?.read() as tf.Tensor)).dataSync()[0] as number);
    };
    expect(std('/mlp/down_kernel')).toBeCloseTo(0.02 / 4, 3);
    expect(std('/attention/output_kernel')).toBeCloseTo(0.02 / 4, 3);
    expect(std('/mlp/up_kernel')).toBeCloseTo(0.02, 3);
  });

  it('names its weights under its children', () => {
    const block = new TransformerBlock({ name: 'block0', numHeads: 2, intermediateSize: 4 });
    block.apply(tf.zeros([1, 2, 4]));
    expect(block.trainableWeights.map((w) => w.originalName)).toEqual([
      'block0/attention_norm/gamma',
      'block0/attention/query_kernel',
      'block0/attention/key_kernel',
      'block0/attention/value_kernel',
      'block0/attention/output_kernel',
      'block0/mlp_norm/gamma',
      'block0/mlp/up_kernel',
      'block0/mlp/down_kernel',
    ]);
    expect(block.countParams()).toBe(4 + 4 * 16 + 4 + 2 * 16);
  });

  it('is causal by default', () => {
    const block = new TransformerBlock({ numHeads: 2, intermediateSize: 8, initStd: 0.3 });
    const x = tf.randomNormal([1, 4, 8], 0, 1, 'float32', 2);
    const before = (block.apply(x) as tf.Tensor).arraySync() as number[][][];
    const after = (
      block.apply(tf.add(x, tf.oneHot([3], 4).reshape([1, 4, 1]))) as tf.Tensor
    ).arraySync() as number[][][];
    expect(after[0]?.slice(0, 3)).toEqual(before[0]?.slice(0, 3));
  });

  it.each([
    [
      { numHeads: 2, intermediateSize: 0 },
      '[TransformerBlock] intermediateSize must be a positive integer, got 0',
    ],
    [
      { numHeads: -1, intermediateSize: 8 },
      '[TransformerBlock] numHeads must be a positive integer, got -1',
    ],
    [
      { numHeads: 2, intermediateSize: 8, residualInit: 'tiny' },
      '[TransformerBlock] residualInit must be one of "normal", "scaled", "zero", got "tiny"',
    ],
    [
      { numHeads: 2, intermediateSize: 8, dropout: -0.1 },
      '[TransformerBlock] dropout must be in [0, 1), got -0.1',
    ],
    [
      { numHeads: 2, intermediateSize: 8, initStd: 0 },
      '[TransformerBlock] initStd must be a finite number > 0, got 0',
    ],
    [
      { numHeads: 2, intermediateSize: 8, epsilon: -1 },
      '[TransformerBlock] epsilon must be a finite number > 0, got -1',
    ],
    [
      { numHeads: 4, numKeyValueHeads: 3, intermediateSize: 8 },
      '[TransformerBlock] numHeads (4) must be divisible by numKeyValueHeads (3)',
    ],
    [
      { numHeads: 2, intermediateSize: 8, activation: 'elu' },
      '[TransformerBlock] activation must be one of',
    ],
  ])('rejects %j', (args, message) => {
    expect(() => new TransformerBlock(args as never)).toThrow(message);
  });
});
