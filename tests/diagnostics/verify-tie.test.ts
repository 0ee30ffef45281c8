import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { verifyTie } from '../../src/diagnostics/verify-tie.js';
import { TiedLMHead } from '../../src/heads/tied-lm-head.js';
import { RMSNorm } from '../../src/layers/rms-norm.js';
import { TokenEmbedding } from '../../src/layers/token-embedding.js';
import { createCausalLM } from '../../src/models/create-causal-lm.js';
import { smallModelOptions } from '../helpers/tie-integrity.js';

describe('verifyTie', () => {
  it.each(['tied', 'shuffled', 'ortho'] as const)(
    'reports the %s head of createCausalLM as tied',
    (head) => {
      const report = verifyTie(createCausalLM(smallModelOptions(head)));
      expect(report).toMatchObject({
        tied: true,
        embeddingLayer: 'token_embedding',
        outputLayer: 'lm_head',
        occurrences: 1,
      });
      expect(report.variable).toBe('token_embedding/embeddings');
    },
  );

  it('reports a model whose embedding computes its own logits as tied', () => {
    const embedding = new TokenEmbedding({ vocabSize: 10, hiddenSize: 4 });
    const ids = tf.input({ shape: [3], dtype: 'int32' });
    const logits = embedding.apply(
      new RMSNorm({}).apply(embedding.apply(ids)),
    ) as tf.SymbolicTensor;
    expect(verifyTie(tf.model({ inputs: ids, outputs: logits })).tied).toBe(true);
  });

  it('reports an untied head, a head tied to another model’s embedding, and a plain Dense output', () => {
    expect(verifyTie(createCausalLM(smallModelOptions('untied'))).reason).toBe(
      'lm_head is an untied head with its own matrix',
    );

    const foreign = new TokenEmbedding({ name: 'foreign', vocabSize: 10, hiddenSize: 4 });
    foreign.apply(tf.tensor1d([0], 'int32'));
    const own = new TokenEmbedding({ vocabSize: 10, hiddenSize: 4 });
    const ids = tf.input({ shape: [3], dtype: 'int32' });
    const logits = new TiedLMHead({ embedding: foreign }).apply(
      own.apply(ids),
    ) as tf.SymbolicTensor;
    const report = verifyTie(tf.model({ inputs: ids, outputs: logits }));
    expect(report.tied).toBe(false);
    expect(report.reason).toContain('projects onto another TokenEmbedding (foreign)');

    const dense = tf.layers.dense({ units: 10 }).apply(own.apply(ids)) as tf.SymbolicTensor;
    expect(verifyTie(tf.model({ inputs: ids, outputs: dense })).tied).toBe(false);
  });
});
