import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { TiedLMHead } from '../../src/heads/tied-lm-head.js';
import { normal } from '../../src/init/normal.js';
import { TokenEmbedding } from '../../src/layers/token-embedding.js';
import { expectLayerContract } from '../helpers/layer-contract.js';
import { expectClose } from '../helpers/reference.js';
import { reviveWithEmbedding, throughEmbedding } from '../helpers/through-embedding.js';
import { expectTieIntegrity, smallModelOptions } from '../helpers/tie-integrity.js';

const embedding = () =>
  new TokenEmbedding({ vocabSize: 30, hiddenSize: 8, embeddingsInitializer: normal({ std: 0.5 }) });

describe('TiedLMHead', () => {
  it('passes the layer contract (bias, scale, soft cap)', async () => {
    await expectLayerContract({
      create: () =>
        new TiedLMHead({ embedding: embedding(), useBias: true, logitScale: 0.5, logitSoftCap: 5 }),
      call: throughEmbedding,
      revive: reviveWithEmbedding,
      inputs: [{ shape: [2, 5], dtype: 'int32', maxValue: 30 }],
      outputShape: [2, 5, 30],
      trainableWeights: 1,
      modelTrainableWeights: 2,
    });
  });

  it('computes (h·Eᵀ + b)·scale, soft-capped as c·tanh(z/c)', () => {
    const emb = embedding();
    emb.apply(tf.tensor1d([0], 'int32'));
    const head = new TiedLMHead({
      embedding: emb,
      useBias: true,
      logitScale: 0.5,
      logitSoftCap: 2,
    });
    const h = tf.randomNormal([3, 8], 0, 1, 'float32', 1);
    head.apply(h);
    head.setWeights([tf.range(0, 30).div(10)]);
    const z = tf.mul(
      tf.add(tf.matMul(h, emb.embeddings.read(), false, true), tf.range(0, 30).div(10)),
      0.5,
    );
    expectClose(head.apply(h) as tf.Tensor, tf.mul(tf.tanh(tf.div(z, 2)), 2).arraySync());
  });

  it('keeps the tie through fit, save and load', async () => {
    await expectTieIntegrity(smallModelOptions('tied', { headBias: true }));
  });

  it.each([
    [
      {},
      '[TiedLMHead] embedding must be a TokenEmbedding (or { name } in a saved config), got undefined',
    ],
    [{ embedding: '' }, '[TiedLMHead] embedding must be a TokenEmbedding'],
    [
      { embedding: 'e', logitScale: 0 },
      '[TiedLMHead] logitScale must be a finite number > 0, got 0',
    ],
    [
      { embedding: 'e', logitSoftCap: -30 },
      '[TiedLMHead] logitSoftCap must be a finite number > 0, got -30',
    ],
  ])('rejects %j', (args, message) => {
    expect(() => new TiedLMHead(args as never)).toThrow(message);
  });

  it('rejects hidden states of the wrong width and an embedding it cannot find', () => {
    const emb = embedding();
    emb.apply(tf.tensor1d([0], 'int32'));
    expect(() => new TiedLMHead({ embedding: emb }).apply(tf.ones([2, 7]))).toThrow(
      '[TiedLMHead] input must be float32 hidden states [..., 8], got float32 [2,7]',
    );
    expect(() => new TiedLMHead({ embedding: 'missing' }).apply(tf.input({ shape: [8] }))).toThrow(
      "[TiedLMHead] no TokenEmbedding named 'missing' upstream of its input",
    );
    expect(() => new TiedLMHead({ embedding: 'missing' }).embedding).toThrow(
      "[TiedLMHead] its TokenEmbedding 'missing' is not resolved yet",
    );
  });
});
