import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { type CausalLMOptions, createCausalLM, TransformerBlock } from '../../src/index.js';

const base: CausalLMOptions = {
  vocabSize: 20,
  hiddenSize: 8,
  numLayers: 2,
  numHeads: 2,
  intermediateSize: 16,
  head: 'tied',
};

describe('createCausalLM option validation (before any weight exists)', () => {
  it.each([
    [{ rotory: false }, '[createCausalLM] unknown option "rotory"; known: vocabSize'],
    [{ logitSoftCap: 0 }, '[createCausalLM] logitSoftCap must be a finite number > 0, got 0'],
    [{ headBias: 1 }, '[createCausalLM] headBias must be true or false, got 1'],
    [{ activation: 'elu' }, '[createCausalLM] activation must be one of'],
    [{ rotary: null }, '[createCausalLM] rotary must not be null'],
    [{ dropout: 1 }, '[createCausalLM] dropout must be in [0, 1), got 1'],
    [{ residualInit: 'ones' }, '[createCausalLM] residualInit must be one of'],
    [{ seed: -1 }, '[createCausalLM] seed must be a non-negative integer, got -1'],
    [{ name: '' }, '[createCausalLM] name must be a non-empty string'],
    [
      { head: 'ortho', headBias: true },
      "[createCausalLM] headBias only applies to heads 'tied' and 'untied', got head 'ortho'",
    ],
    [
      { positionEmbedding: 'none', rotary: true },
      "[createCausalLM] rotary: true contradicts positionEmbedding 'none'",
    ],
    [
      { positionEmbedding: 'learned' },
      "[createCausalLM] maxPositions is required when positionEmbedding is 'learned'",
    ],
    [
      { hiddenSize: 2 ** 28, vocabSize: 8 },
      '[createCausalLM] the embedding E [8, 268435456] would hold',
    ],
    [{ numLayers: 1e9 }, '[createCausalLM] the model would have'],
  ])('rejects %j without leaking a tensor', (extra, message) => {
    const before = tf.memory().numTensors;
    expect(() => createCausalLM({ ...base, ...(extra as object) } as CausalLMOptions)).toThrow(
      message,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects what is not an options object', () => {
    for (const bad of [undefined, null, 3, 'tied']) {
      expect(() => createCausalLM(bad as never)).toThrow(
        '[createCausalLM] expected an options object',
      );
    }
  });

  it('still builds with every option valid, seqLen null included', () => {
    const before = tf.memory().numTensors;
    const model = createCausalLM({ ...base, seqLen: null, seed: 1, dropout: 0.1 });
    expect(model.countParams()).toBeGreaterThan(0);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('TransformerBlock option validation', () => {
  it.each([
    [{ causal: 'yes' }, '[TransformerBlock] causal must be true or false, got "yes"'],
    [{ useBias: 0 }, '[TransformerBlock] useBias must be true or false, got 0'],
    [{ numKeyValueHeads: 0 }, '[TransformerBlock] numKeyValueHeads must be a positive integer'],
    [{ rotry: true }, '[TransformerBlock] unknown option "rotry"'],
  ])('rejects %j under its own name, without a leak', (extra, message) => {
    const before = tf.memory().numTensors;
    const args = { numHeads: 2, intermediateSize: 8, ...(extra as object) };
    expect(() => new TransformerBlock(args as never)).toThrow(message);
    expect(tf.memory().numTensors).toBe(before);
  });
});
