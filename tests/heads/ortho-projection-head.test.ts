import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { OrthoProjectionHead } from '../../src/heads/ortho-projection-head.js';
import { normal } from '../../src/init/normal.js';
import { TokenEmbedding } from '../../src/layers/token-embedding.js';
import { expectLayerContract } from '../helpers/layer-contract.js';
import { expectClose } from '../helpers/reference.js';
import { reviveWithEmbedding, throughEmbedding } from '../helpers/through-embedding.js';
import { expectTieIntegrity, smallModelOptions } from '../helpers/tie-integrity.js';

const embedding = () =>
  new TokenEmbedding({ vocabSize: 30, hiddenSize: 8, embeddingsInitializer: normal({ std: 0.5 }) });

describe('OrthoProjectionHead', () => {
  it('passes the layer contract (BERT style: bias, GELU, norm)', async () => {
    await expectLayerContract({
      create: () =>
        new OrthoProjectionHead({
          embedding: embedding(),
          useBias: true,
          activation: 'gelu',
          norm: true,
          seed: 1,
        }),
      call: throughEmbedding,
      revive: reviveWithEmbedding,
      inputs: [{ shape: [2, 5], dtype: 'int32', maxValue: 30 }],
      outputShape: [2, 5, 30],
      trainableWeights: 3,
      modelTrainableWeights: 4,
    });
  });

  it('computes (h·W)·Eᵀ with an orthogonal W at init', () => {
    const emb = embedding();
    emb.apply(tf.tensor1d([0], 'int32'));
    const head = new OrthoProjectionHead({ embedding: emb, seed: 2 });
    const h = tf.randomNormal([4, 8], 0, 1, 'float32', 3);
    const logits = head.apply(h) as tf.Tensor;
    const [w] = head.getWeights() as [tf.Tensor];
    expectClose(tf.matMul(w, w, true, false), tf.eye(8).arraySync(), 1e-5);
    expectClose(logits, tf.matMul(tf.matMul(h, w), emb.embeddings.read(), false, true).arraySync());
  });

  it('keeps the tie through fit, save and load', async () => {
    await expectTieIntegrity(smallModelOptions('ortho'));
  });

  it.each([
    [
      { embedding: 'e', activation: 'softmax' },
      '[OrthoProjectionHead] activation must be one of "linear", "gelu", "relu", "tanh", got "softmax"',
    ],
    [{ embedding: 'e', useBias: 1 }, '[OrthoProjectionHead] useBias must be true or false, got 1'],
    [
      { embedding: 'e', seed: 0.5 },
      '[OrthoProjectionHead] seed must be a non-negative integer, got 0.5',
    ],
    [
      { embedding: 42 },
      '[OrthoProjectionHead] embedding must be a TokenEmbedding (or { name } in a saved config), got 42',
    ],
  ])('rejects %j', (args, message) => {
    expect(() => new OrthoProjectionHead(args as never)).toThrow(message);
  });
});
