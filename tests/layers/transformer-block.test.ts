import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { decodingStep } from '../../src/layers/decoding-step.js';
import { KeyValueCache } from '../../src/layers/key-value-cache.js';
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

  it('passes rotaryBase on to its attention (it was stuck at 10000)', () => {
    const x = tf.randomNormal([1, 6, 8], 0, 1, 'float32', 3);
    const run = (rotaryBase?: number) => {
      const block = new TransformerBlock({
        numHeads: 2,
        intermediateSize: 16,
        rotary: true,
        seed: 4,
        initStd: 0.3,
        ...(rotaryBase === undefined ? {} : { rotaryBase }),
      });
      return { block, y: Array.from((block.apply(x) as tf.Tensor).dataSync()) };
    };
    const fast = run(100);
    expect(fast.block.attention.rotaryBase).toBe(100);
    expect(fast.block.getConfig().rotaryBase).toBe(100);
    expect(run().block.attention.rotaryBase).toBe(10000);
    expect(fast.y).not.toEqual(run().y);
    expect(run(10000).y).toEqual(run().y);
  });

  it('builds a GPT-2 block: LayerNorm with biases and every projection biased', async () => {
    await expectLayerContract({
      create: () =>
        new TransformerBlock({
          numHeads: 2,
          intermediateSize: 16,
          activation: 'gelu_tanh',
          norm: 'layernorm',
          epsilon: 1e-5,
          useBias: true,
          initStd: 0.2,
          seed: 2,
        }),
      inputs: [{ shape: [2, 4, 8] }],
      outputShape: [2, 4, 8],
      trainableWeights: 4 + 8 + 4, // two LayerNorms (γ, β), q k v o + biases, up down + biases
    });
  });

  it('takes separate q/k/v, output and MLP biases (Qwen2: q/k/v only)', () => {
    const block = new TransformerBlock({
      name: 'qwen',
      numHeads: 2,
      intermediateSize: 4,
      activation: 'swiglu',
      qkvBias: true,
    });
    block.apply(tf.zeros([1, 2, 4]));
    const biases = block.trainableWeights
      .map((w) => w.originalName)
      .filter((n) => n.endsWith('_bias'));
    expect(biases).toEqual([
      'qwen/attention/query_bias',
      'qwen/attention/key_bias',
      'qwen/attention/value_bias',
    ]);
  });

  it("rejects normUnitOffset with norm 'layernorm'", () => {
    expect(
      () =>
        new TransformerBlock({
          numHeads: 2,
          intermediateSize: 4,
          norm: 'layernorm',
          normUnitOffset: true,
        }),
    ).toThrow(
      "[TransformerBlock] normUnitOffset applies to norm 'rmsnorm' only, got norm 'layernorm'",
    );
  });

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

describe('TransformerBlock.callCached', () => {
  it('equals the full pass at every position, one token at a time (GQA, rotary)', async () => {
    const block = new TransformerBlock({
      numHeads: 4,
      numKeyValueHeads: 2,
      intermediateSize: 32,
      rotary: true,
      initStd: 0.3,
      seed: 2,
    });
    const x = tf.randomNormal([1, 6, 16], 0, 1, 'float32', 8);
    const full = (await (block.apply(x) as tf.Tensor).data()) as Float32Array;
    const cache = new KeyValueCache({ capacity: 6 });
    let worst = 0;
    for (let p = 0; p < 6; p++) {
      const step = decodingStep({ start: p, seq: 1, capacity: 6, leftPadding: [0] });
      const y = (await block
        .callCached(tf.slice(x, [0, p, 0], [1, 1, 16]), cache, step)
        .data()) as Float32Array;
      for (let j = 0; j < 16; j++)
        worst = Math.max(worst, Math.abs((y[j] as number) - (full[p * 16 + j] as number)));
      step.allowed.dispose();
    }
    expect(worst).toBeLessThan(1e-5);
    cache.dispose();
  });
});
