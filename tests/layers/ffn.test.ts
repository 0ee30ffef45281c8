import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { normal } from '../../src/init/normal.js';
import { FFN } from '../../src/layers/ffn.js';
import { checkpointCases } from '../helpers/checkpoint-fixtures.js';
import { expectLayerContract } from '../helpers/layer-contract.js';
import { expectMatchesReference, referenceCases } from '../helpers/reference.js';

describe('FFN', () => {
  it.each([
    ['gelu', false, 2],
    ['relu', true, 4],
    ['swiglu', false, 3],
    ['geglu', true, 6],
    ['geglu_tanh', true, 6],
  ] as const)('passes the layer contract: %s, useBias %s', async (activation, useBias, weights) => {
    await expectLayerContract({
      create: () =>
        new FFN({
          intermediateSize: 12,
          activation,
          useBias,
          kernelInitializer: normal({ std: 0.3 }),
        }),
      inputs: [{ shape: [2, 3, 8] }],
      outputShape: [2, 3, 8],
      trainableWeights: weights,
    });
  });

  it.each(referenceCases('FFN').map((c) => [c.name, c] as const))(
    'matches PyTorch: %s',
    (_name, c) => {
      expectMatchesReference(new FFN(c.args as never), c);
    },
  );

  it.each(checkpointCases('FFN').map((c) => [c.name, c] as const))(
    'matches PyTorch (tanh GELU, F.gelu(approximate="tanh")): %s',
    (_name, c) => {
      expectMatchesReference(new FFN(c.args as never), c);
    },
  );

  it('draws gate and up from one seeded initializer independently and reproducibly', () => {
    const make = () => {
      const ffn = new FFN({
        intermediateSize: 4,
        activation: 'swiglu',
        kernelInitializer: normal({ std: 1, seed: 3 }),
      });
      ffn.apply(tf.ones([1, 4]));
      return ffn.getWeights().map((w) => Array.from(w.dataSync()));
    };
    const [gate, up] = make();
    expect(gate).not.toEqual(up);
    expect(make()).toEqual(make());
  });

  it.each([
    [{ intermediateSize: 0 }, '[FFN] intermediateSize must be a positive integer, got 0'],
    [{ intermediateSize: 2.5 }, '[FFN] intermediateSize must be a positive integer, got 2.5'],
    [
      { intermediateSize: 8, activation: 'tanh' },
      '[FFN] activation must be one of "gelu", "gelu_tanh", "relu", "swiglu", "geglu", "geglu_tanh", got "tanh"',
    ],
    [
      { intermediateSize: 8, kernelInitializer: { className: 'Nope', config: {} } },
      '[FFN] kernelInitializer: unknown initializer class "Nope"',
    ],
  ])('rejects %j', (args, message) => {
    expect(() => new FFN(args as never)).toThrow(message);
  });

  it('rejects an input of the wrong width', () => {
    const ffn = new FFN({ intermediateSize: 8 });
    ffn.apply(tf.ones([2, 4]));
    expect(() => ffn.apply(tf.ones([2, 5]))).toThrow(
      '[FFN] input last dimension must be 4, got shape [2,5]',
    );
  });
});
