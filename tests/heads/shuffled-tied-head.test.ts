import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { shufflePermutation } from '../../src/analysis/shuffle-permutation.js';
import { ShuffledTiedHead } from '../../src/heads/shuffled-tied-head.js';
import { normal } from '../../src/init/normal.js';
import { TokenEmbedding } from '../../src/layers/token-embedding.js';
import { expectLayerContract } from '../helpers/layer-contract.js';
import { expectClose } from '../helpers/reference.js';
import { reviveWithEmbedding, throughEmbedding } from '../helpers/through-embedding.js';
import { expectTieIntegrity, smallModelOptions } from '../helpers/tie-integrity.js';

const embedding = (d = 8) =>
  new TokenEmbedding({ vocabSize: 30, hiddenSize: d, embeddingsInitializer: normal({ std: 0.5 }) });

describe('ShuffledTiedHead', () => {
  it('passes the layer contract, with no weights', async () => {
    await expectLayerContract({
      create: () => new ShuffledTiedHead({ embedding: embedding(), shuffle: { groups: 2 } }),
      call: throughEmbedding,
      revive: reviveWithEmbedding,
      inputs: [{ shape: [2, 5], dtype: 'int32', maxValue: 30 }],
      outputShape: [2, 5, 30],
      trainableWeights: 0,
      modelTrainableWeights: 1,
    });
  });

  it.each([['swap-halves'], [{ groups: 2 }], [{ groups: 4 }], [{ groups: 3 }]] as const)(
    'permutes like shufflePermutation(%j).indices, then projects onto E',
    (shuffle) => {
      const d = 12;
      const emb = embedding(d);
      emb.apply(tf.tensor1d([0], 'int32'));
      const h = tf.randomNormal([2, 3, d], 0, 1, 'float32', 2);
      const indices = shufflePermutation(d, shuffle).indices;
      const permuted = (h.arraySync() as number[][][]).map((row) =>
        row.map((v) => indices.map((i) => v[i] as number)),
      );
      const expected = tf
        .matMul(tf.tensor2d(permuted.flat()), emb.embeddings.read(), false, true)
        .reshape([2, 3, 30]);
      expectClose(
        new ShuffledTiedHead({ embedding: emb, shuffle }).apply(h) as tf.Tensor,
        expected.arraySync(),
      );
    },
  );

  it('keeps the tie through fit, save and load', async () => {
    await expectTieIntegrity(smallModelOptions('shuffled', { shuffle: { groups: 4 } }));
  });

  it('rejects identity and impossible shuffles', () => {
    const emb = embedding(8);
    expect(() => new ShuffledTiedHead({ embedding: emb, shuffle: { groups: 1 } })).toThrow(
      '[ShuffledTiedHead] shuffle.groups = 1 with hiddenSize 8 is the identity permutation (a plain tied head); use 1 < groups < hiddenSize',
    );
    expect(() => new ShuffledTiedHead({ embedding: emb, shuffle: { groups: 8 } })).toThrow(
      '[ShuffledTiedHead] shuffle.groups = 8 with hiddenSize 8 is the identity',
    );
    expect(() => new ShuffledTiedHead({ embedding: emb, shuffle: { groups: 3 } })).toThrow(
      '[ShuffledTiedHead] shuffle.groups (3) must divide hiddenSize (8)',
    );
    expect(() => new ShuffledTiedHead({ embedding: embedding(7), shuffle: 'swap-halves' })).toThrow(
      "[ShuffledTiedHead] 'swap-halves' needs an even hiddenSize, got 7",
    );
    expect(() => new ShuffledTiedHead({ embedding: emb, shuffle: 'reverse' as never })).toThrow(
      '[ShuffledTiedHead] shuffle must be \'swap-halves\' or { groups }, got "reverse"',
    );
  });
});
