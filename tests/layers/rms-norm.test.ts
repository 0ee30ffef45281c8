import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { RMSNorm } from '../../src/layers/rms-norm.js';
import { checkpointCases } from '../helpers/checkpoint-fixtures.js';
import { expectLayerContract } from '../helpers/layer-contract.js';
import { expectMatchesReference, referenceCases } from '../helpers/reference.js';

describe('RMSNorm', () => {
  it('passes the layer contract', async () => {
    await expectLayerContract({
      create: () => new RMSNorm({ center: true }),
      inputs: [{ shape: [2, 3, 8] }],
      outputShape: [2, 3, 8],
      trainableWeights: 2,
    });
  });

  it.each(referenceCases('RMSNorm').map((c) => [c.name, c] as const))(
    'matches PyTorch: %s',
    (_name, c) => {
      expectMatchesReference(new RMSNorm(c.args), c);
    },
  );

  it('gives unit root-mean-square rows with the default gain', () => {
    const y = new RMSNorm({}).apply(tf.randomNormal([4, 16], 3, 5)) as tf.Tensor;
    const rms = tf.sqrt(tf.mean(tf.square(y), -1)).dataSync();
    for (const value of rms) expect(value).toBeCloseTo(1, 4);
  });

  it('has no weights with scale: false', () => {
    const norm = new RMSNorm({ scale: false });
    norm.apply(tf.ones([1, 4]));
    expect(norm.trainableWeights).toHaveLength(0);
  });

  it.each([
    [{ epsilon: -1 }, '[RMSNorm] epsilon must be a finite number > 0, got -1'],
    [{ epsilon: 0 }, '[RMSNorm] epsilon must be a finite number > 0, got 0'],
    [{ epsilon: Number.NaN }, '[RMSNorm] epsilon must be a finite number > 0, got NaN'],
    [{ center: 'yes' }, '[RMSNorm] center must be true or false, got "yes"'],
  ])('rejects %j', (args, message) => {
    expect(() => new RMSNorm(args as never)).toThrow(message);
  });

  it('rejects an input whose last dimension changed', () => {
    const norm = new RMSNorm({});
    norm.apply(tf.ones([2, 8]));
    expect(() => norm.apply(tf.ones([2, 6]))).toThrow(
      '[RMSNorm] input last dimension must be 8, got shape [2,6]',
    );
  });
});

describe('RMSNorm with unitOffset (Gemma)', () => {
  it.each(checkpointCases('RMSNorm').map((c) => [c.name, c] as const))(
    'matches PyTorch (output and gradients): %s',
    (_name, c) => {
      expectMatchesReference(new RMSNorm(c.args), c);
    },
  );

  it('starts as the plain normalisation (stored w = 0) and saves unitOffset', async () => {
    await expectLayerContract({
      create: () => new RMSNorm({ unitOffset: true }),
      inputs: [{ shape: [2, 3, 8] }],
      outputShape: [2, 3, 8],
      trainableWeights: 1,
    });
    const norm = new RMSNorm({ unitOffset: true });
    const x = tf.randomNormal([3, 8]);
    const plain = new RMSNorm({}).apply(x) as tf.Tensor;
    expect(Array.from((norm.apply(x) as tf.Tensor).dataSync())).toEqual(
      Array.from(plain.dataSync()),
    );
    expect(Array.from(norm.getWeights()[0]?.dataSync() ?? [])).toEqual(Array(8).fill(0));
  });

  it('rejects unitOffset without a gain', () => {
    expect(() => new RMSNorm({ unitOffset: true, scale: false })).toThrow(
      '[RMSNorm] unitOffset needs scale: true',
    );
  });
});
