import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { PositionEmbedding } from '../../src/layers/position-embedding.js';
import { checkpointCases } from '../helpers/checkpoint-fixtures.js';
import { expectLayerContract } from '../helpers/layer-contract.js';
import { expectMatchesReference } from '../helpers/reference.js';

describe('PositionEmbedding', () => {
  it('passes the layer contract', async () => {
    await expectLayerContract({
      create: () => new PositionEmbedding({ maxPositions: 6 }),
      inputs: [{ shape: [2, 3, 4] }],
      outputShape: [2, 3, 4],
      trainableWeights: 1,
    });
  });

  it.each(checkpointCases('PositionEmbedding').map((c) => [c.name, c] as const))(
    'matches PyTorch (output and gradients): %s',
    (_name, c) => {
      expectMatchesReference(new PositionEmbedding(c.args as never), c);
    },
  );

  it('adds row t of the table at position t, for any batch', () => {
    const layer = new PositionEmbedding({ maxPositions: 4 });
    layer.apply(tf.zeros([1, 2, 3]));
    const table = tf.tensor2d([...Array(12).keys()], [4, 3]);
    layer.embeddings.write(table);
    const y = layer.apply(tf.ones([2, 3, 3])) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9],
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9],
    ]);
  });

  it('rejects a sequence longer than maxPositions, eagerly and in a graph', () => {
    const layer = new PositionEmbedding({ maxPositions: 4 });
    expect(() => layer.apply(tf.zeros([1, 5, 2]))).toThrow(
      '[PositionEmbedding] sequence length 5 exceeds maxPositions (4)',
    );
    layer.apply(tf.zeros([1, 4, 2]));
    expect(() => layer.apply(tf.zeros([1, 7, 2]))).toThrow(
      '[PositionEmbedding] sequence length 7 exceeds maxPositions (4)',
    );
    expect(() =>
      new PositionEmbedding({ maxPositions: 2 }).apply(tf.input({ shape: [3, 2] })),
    ).toThrow('[PositionEmbedding] sequence length 3 exceeds maxPositions (2)');
  });

  it.each([
    [{ maxPositions: 0 }, '[PositionEmbedding] maxPositions must be a positive integer, got 0'],
    [{}, '[PositionEmbedding] maxPositions must be a positive integer, got undefined'],
    [{ maxPositions: 4, maxPosition: 8 }, '[PositionEmbedding] unknown option "maxPosition"'],
  ])('rejects %j', (args, message) => {
    expect(() => new PositionEmbedding(args as never)).toThrow(message);
  });
});
