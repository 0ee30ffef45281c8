import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createCausalLM } from '../../src/models/create-causal-lm.js';
import { generate } from '../../src/models/generate.js';
import { smallModelOptions } from '../helpers/tie-integrity.js';

/** A "model" whose logits at every position favour (last input token + 1) mod 5. */
function successorModel(): tf.LayersModel {
  const ids = tf.input({ shape: [null], dtype: 'int32' });
  const embedding = tf.layers.embedding({
    inputDim: 5,
    outputDim: 5,
    embeddingsInitializer: 'zeros',
  });
  const model = tf.model({ inputs: ids, outputs: embedding.apply(ids) as tf.SymbolicTensor });
  const table = [0, 1, 2, 3, 4].map((i) =>
    [0, 1, 2, 3, 4].map((j) => (j === (i + 1) % 5 ? 10 : 0)),
  );
  embedding.setWeights([tf.tensor2d(table)]);
  return model;
}

describe('generate', () => {
  it('greedy decoding follows the argmax', () => {
    expect(generate(successorModel(), [3], { maxNewTokens: 6 })).toEqual([3, 4, 0, 1, 2, 3, 4]);
  });

  it('sampling is reproducible with a seed, respects top-k, and follows the distribution', () => {
    const model = createCausalLM(smallModelOptions('tied'));
    const a = generate(model, [1, 2], { maxNewTokens: 8, temperature: 1.5, seed: 3 });
    expect(generate(model, [1, 2], { maxNewTokens: 8, temperature: 1.5, seed: 3 })).toEqual(a);
    expect(a).toHaveLength(10);
    // top-k = 1 is greedy whatever the temperature.
    expect(generate(model, [1, 2], { maxNewTokens: 5, temperature: 5, topK: 1, seed: 4 })).toEqual(
      generate(model, [1, 2], { maxNewTokens: 5 }),
    );
    // A peaked successor model at temperature 1 almost always picks the successor.
    const sampled = generate(successorModel(), [0], { maxNewTokens: 20, temperature: 1, seed: 5 });
    const successors = sampled
      .slice(1)
      .filter((t, i) => t === ((sampled[i] as number) + 1) % 5).length;
    expect(successors).toBeGreaterThanOrEqual(19);
  });

  it('truncates the context to maxContext', () => {
    expect(generate(successorModel(), [0, 1, 2], { maxNewTokens: 2, maxContext: 1 })).toEqual([
      0, 1, 2, 3, 4,
    ]);
  });

  it.each([
    [[], { maxNewTokens: 1 }, '[generate] prompt must be a non-empty array of token ids'],
    [[1], { maxNewTokens: -1 }, '[generate] maxNewTokens must be a non-negative integer, got -1'],
    [
      [1],
      { maxNewTokens: 1, temperature: 0 },
      '[generate] temperature must be a finite number > 0, got 0',
    ],
    [[1], { maxNewTokens: 1, topK: 0 }, '[generate] topK must be a positive integer, got 0'],
  ])('rejects prompt %j with %j', (prompt, opts, message) => {
    expect(() => generate(successorModel(), prompt, opts)).toThrow(message);
  });
});
