import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { LayerNorm } from '../../src/layers/layer-norm.js';
import { checkpointCases } from '../helpers/checkpoint-fixtures.js';
import { expectLayerContract } from '../helpers/layer-contract.js';
import { expectClose, expectMatchesReference } from '../helpers/reference.js';

describe('LayerNorm', () => {
  it('passes the layer contract', async () => {
    await expectLayerContract({
      create: () => new LayerNorm({}),
      inputs: [{ shape: [2, 3, 8] }],
      outputShape: [2, 3, 8],
      trainableWeights: 2,
    });
  });

  it.each(checkpointCases('LayerNorm').map((c) => [c.name, c] as const))(
    'matches PyTorch (output and gradients): %s',
    (_name, c) => {
      expectMatchesReference(new LayerNorm(c.args), c);
    },
  );

  it('normalises [1, 2, 3, 4] to (x − 2.5)/√(1.25 + ε) with the default weights', () => {
    const y = new LayerNorm({ epsilon: 1e-5 }).apply(tf.tensor2d([[1, 2, 3, 4]])) as tf.Tensor;
    const s = Math.sqrt(1.25 + 1e-5);
    expectClose(y, [-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s], 1e-6);
  });

  it('has no weights with center and scale off', () => {
    const norm = new LayerNorm({ center: false, scale: false });
    norm.apply(tf.ones([1, 4]));
    expect(norm.trainableWeights).toHaveLength(0);
  });

  it.each([
    [{ epsilon: 0 }, '[LayerNorm] epsilon must be a finite number > 0, got 0'],
    [{ center: 1 }, '[LayerNorm] center must be true or false, got 1'],
  ])('rejects %j', (args, message) => {
    expect(() => new LayerNorm(args as never)).toThrow(message);
  });

  it('rejects an input whose last dimension changed', () => {
    const norm = new LayerNorm({});
    norm.apply(tf.ones([2, 8]));
    expect(() => norm.apply(tf.ones([2, 6]))).toThrow(
      '[LayerNorm] input last dimension must be 8, got shape [2,6]',
    );
  });

  it('rejects a misspelt option by name', () => {
    expect(() => new LayerNorm({ epsilom: 1e-5 } as never)).toThrow(
      '[LayerNorm] unknown option "epsilom"; known: epsilon, center, scale',
    );
  });
});
