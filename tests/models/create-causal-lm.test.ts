import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { countParams } from '../../src/analysis/count-params.js';
import { sparseSoftmaxCrossEntropy } from '../../src/backend/sparse-cross-entropy.js';
import { type CausalLMOptions, causalLMConfig } from '../../src/models/causal-lm-options.js';
import { createCausalLM } from '../../src/models/create-causal-lm.js';
import { smallModelOptions, tokenBatch } from '../helpers/tie-integrity.js';

describe('createCausalLM', () => {
  it.each([
    ['tied', {}],
    ['tied', { headBias: true, logitSoftCap: 30 }],
    ['shuffled', { shuffle: { groups: 2 } }],
    ['ortho', {}],
    ['untied', { headBias: true }],
    ['tied', { activation: 'swiglu', numKeyValueHeads: 1, useBias: true, rotary: false }],
  ] as const)('%s %j: countParams(causalLMConfig) equals model.countParams()', (head, extra) => {
    const opts = smallModelOptions(head, extra as Partial<CausalLMOptions>);
    const model = createCausalLM(opts);
    expect(model.countParams()).toBe(countParams(causalLMConfig(opts)).total);
    expect(model.outputs[0]?.shape).toEqual([null, null, 40]);
  });

  it('learns: a few Adam steps on one batch lower the loss', () => {
    const model = createCausalLM(smallModelOptions('shuffled'));
    const tokens = tokenBatch(40, 4, 8, 3);
    const inputs = tf.slice(tokens, [0, 0], [4, 8]);
    const targets = tf.slice(tokens, [0, 1], [4, 8]);
    const optimizer = tf.train.adam(1e-2);
    const step = () =>
      (
        optimizer.minimize(
          () => sparseSoftmaxCrossEntropy(targets, model.apply(inputs) as tf.Tensor),
          true,
        ) as tf.Scalar
      ).dataSync()[0] as number;
    const first = step();
    for (let i = 0; i < 8; i++) step();
    expect(step()).toBeLessThan(first - 0.3);
  });

  it('uses ln(n)/d for embeddingStd "recommended"', () => {
    const model = createCausalLM({
      ...smallModelOptions('tied'),
      vocabSize: 2000,
      hiddenSize: 32,
      embeddingStd: 'recommended',
    });
    const std = Math.sqrt(
      tf
        .mean(tf.square(model.getLayer('token_embedding').getWeights()[0] as tf.Tensor))
        .dataSync()[0] as number,
    );
    expect(std).toBeCloseTo(Math.log(2000) / 32, 2);
  });

  it('is reproducible with a seed', () => {
    const a = createCausalLM(smallModelOptions('ortho', { seed: 9 })).getWeights();
    const b = createCausalLM(smallModelOptions('ortho', { seed: 9 })).getWeights();
    for (const [i, w] of a.entries()) {
      expect(Array.from(w.dataSync())).toEqual(Array.from((b[i] as tf.Tensor).dataSync()));
    }
  });

  it.each([
    [
      { head: 'bert' },
      '[createCausalLM] head must be one of "tied", "shuffled", "ortho", "untied", got "bert"',
    ],
    [
      { hiddenSize: 10, numHeads: 4 },
      '[createCausalLM] hiddenSize (10) must be divisible by numHeads (4), or give headDim',
    ],
    [{ numLayers: 0 }, '[createCausalLM] numLayers must be a positive integer, got 0'],
    [{ embeddingStd: -1 }, '[createCausalLM] embeddingStd must be a finite number > 0, got -1'],
    [{ seqLen: 2.5 }, '[createCausalLM] seqLen must be a positive integer, got 2.5'],
    [
      { head: 'tied', shuffle: 'swap-halves' },
      "[createCausalLM] shuffle only applies to head 'shuffled', got head 'tied'",
    ],
    [
      { head: 'ortho', logitSoftCap: 30 },
      "[createCausalLM] logitSoftCap only applies to head 'tied', got head 'ortho'",
    ],
    [
      { head: 'shuffled', shuffle: { groups: 8 } },
      '[createCausalLM] shuffle: shuffle.groups = 8 with hiddenSize 8 is the identity',
    ],
  ])('rejects %j', (extra, message) => {
    expect(() =>
      createCausalLM({ ...smallModelOptions('tied'), ...(extra as object) } as CausalLMOptions),
    ).toThrow(message);
  });
});
