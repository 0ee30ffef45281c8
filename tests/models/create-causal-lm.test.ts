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
    // GPT-2 shape: LayerNorm, learned positions, every bias, tanh GELU.
    [
      'tied',
      {
        norm: 'layernorm',
        positionEmbedding: 'learned',
        maxPositions: 12,
        useBias: true,
        activation: 'gelu_tanh',
      },
    ],
    // Qwen2: q/k/v biases only, RoPE base 1e6.
    ['tied', { activation: 'swiglu', qkvBias: true, rotaryBase: 1e6, numKeyValueHeads: 1 }],
    // Gemma: headDim ≠ hiddenSize / numHeads, (1 + w) norms, scaled lookup, gated tanh GELU.
    ['tied', { headDim: 6, normUnitOffset: true, embeddingScale: 3, activation: 'geglu_tanh' }],
    ['untied', { mlpBias: true, outputBias: true, normEpsilon: 1e-5 }],
  ] as const)('%s %j: countParams(causalLMConfig) equals model.countParams()', (head, extra) => {
    const opts = smallModelOptions(head, extra as Partial<CausalLMOptions>);
    const model = createCausalLM(opts);
    expect(model.countParams()).toBe(countParams(causalLMConfig(opts)).total);
    expect(model.outputs[0]?.shape).toEqual([null, null, 40]);
  });

  it('builds the layers the new options ask for', () => {
    const model = createCausalLM(
      smallModelOptions('tied', {
        norm: 'layernorm',
        normEpsilon: 1e-5,
        positionEmbedding: 'learned',
        maxPositions: 12,
        positionStd: 0.5,
        headDim: 6,
      }),
    );
    expect(model.getLayer('position_embedding').getWeights()[0]?.shape).toEqual([12, 8]);
    expect(model.getLayer('final_norm').getClassName()).toBe('LayerNorm');
    expect(model.getLayer('final_norm').getConfig().epsilon).toBe(1e-5);
    const block = model.getLayer('block_0').getConfig();
    expect([block.norm, block.epsilon, block.headDim, block.rotary]).toEqual([
      'layernorm',
      1e-5,
      6,
      false,
    ]);
    expect(() => model.predict(tf.zeros([1, 13], 'int32'))).toThrow(
      '[PositionEmbedding] sequence length 13 exceeds maxPositions (12)',
    );
  });

  it('scales the lookup by embeddingScale but projects onto E unscaled', () => {
    // Zero residual branches: logits = RMSNorm(s·E[ids])·Eᵀ, which is RMSNorm(E[ids])·Eᵀ up to
    // epsilon; a head that used s·E would give s times larger logits.
    const opts = smallModelOptions('tied', { residualInit: 'zero', embeddingScale: 4 });
    const model = createCausalLM(opts);
    const ids = tf.tensor2d([[1, 5, 7]], [1, 3], 'int32');
    const E = model.getLayer('token_embedding').getWeights()[0] as tf.Tensor2D;
    const rows = tf.gather(E, ids.flatten());
    const normed = tf.div(rows, tf.sqrt(tf.add(tf.mean(tf.square(rows), -1, true), 1e-6 / 16)));
    const expected = tf.matMul(normed, E, false, true);
    const logits = model.predict(ids) as tf.Tensor;
    const gap = tf.max(tf.abs(tf.sub(logits.reshape(expected.shape), expected))).dataSync()[0];
    expect(gap).toBeLessThan(1e-4);
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
      { rotary: false, positionEmbedding: 'rotary' },
      "[createCausalLM] rotary: false contradicts positionEmbedding 'rotary'",
    ],
    [
      { rotary: true, positionEmbedding: 'learned', maxPositions: 4 },
      "[createCausalLM] rotary: true contradicts positionEmbedding 'learned'",
    ],
    [
      { positionEmbedding: 'learned' },
      "[createCausalLM] maxPositions is required when positionEmbedding is 'learned'",
    ],
    [
      { maxPositions: 8 },
      "[createCausalLM] maxPositions only applies to positionEmbedding 'learned', got 'rotary'",
    ],
    [
      { rotary: false, rotaryBase: 1e6 },
      "[createCausalLM] rotaryBase only applies to positionEmbedding 'rotary', got 'none'",
    ],
    [
      { positionEmbedding: 'sinusoidal' },
      '[createCausalLM] positionEmbedding must be one of "rotary", "learned", "none", got "sinusoidal"',
    ],
    [{ normEpsilon: 0 }, '[createCausalLM] normEpsilon must be a finite number > 0, got 0'],
    [{ embeddingScale: -2 }, '[createCausalLM] embeddingScale must be a finite number > 0, got -2'],
    [
      { norm: 'layernorm', normUnitOffset: true },
      "[createCausalLM] normUnitOffset applies to norm 'rmsnorm' only, got norm 'layernorm'",
    ],
    [
      { norm: 'batchnorm' },
      '[createCausalLM] norm must be one of "rmsnorm", "layernorm", got "batchnorm"',
    ],
    [{ qkvBias: 'yes' }, '[createCausalLM] qkvBias must be true or false, got "yes"'],
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
