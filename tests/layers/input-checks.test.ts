import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { sparseSoftmaxCrossEntropy } from '../../src/backend/sparse-cross-entropy.js';
import { MultiHeadAttention } from '../../src/layers/multi-head-attention.js';
import { TokenEmbedding } from '../../src/layers/token-embedding.js';
import { createCausalLM } from '../../src/models/create-causal-lm.js';

// Ids, masks and shapes (issue #13): what is checked where, none of it by reading values back
// to JavaScript. dtype and shape checks are free; mask values are checked by the gather
// kernel on cpu and wasm (elsewhere a bad value makes the output NaN).

function expectNoLeak(fn: () => unknown, message: string) {
  const before = tf.memory().numTensors;
  expect(fn).toThrow(message);
  expect(tf.memory().numTensors).toBe(before);
}

describe('TokenEmbedding input checks', () => {
  it('refuses a float model input even when its last dimension equals hiddenSize', () => {
    const embedding = new TokenEmbedding({ vocabSize: 10, hiddenSize: 4 });
    expect(() => embedding.apply(tf.input({ shape: [4] }))).toThrow(
      '[TokenEmbedding] a model input of dtype float32 cannot feed the embedding',
    );
    // The tied use stays: hidden states computed by a layer.
    const ids = tf.input({ shape: [3], dtype: 'int32' });
    const hidden = embedding.apply(ids) as tf.SymbolicTensor;
    expect((embedding.apply(hidden) as tf.SymbolicTensor).shape).toEqual([null, 3, 10]);
  });

  it('refuses empty batches and sequences, naming the shape', () => {
    const embedding = new TokenEmbedding({ vocabSize: 10, hiddenSize: 4 });
    const empty = tf.zeros([1, 0], 'int32');
    const none = tf.zeros([0, 3], 'int32');
    expectNoLeak(
      () => embedding.apply(empty),
      '[TokenEmbedding] input must not be empty, got shape [1,0]',
    );
    expectNoLeak(
      () => embedding.apply(none),
      '[TokenEmbedding] input must not be empty, got shape [0,3]',
    );
    tf.dispose([empty, none]);
    for (const w of embedding.weights) w.dispose();
  });

  it('a model names the embedding for an empty sequence', () => {
    const model = createCausalLM({
      vocabSize: 10,
      hiddenSize: 8,
      numLayers: 1,
      numHeads: 2,
      intermediateSize: 8,
      head: 'tied',
    });
    const empty = tf.zeros([1, 0], 'int32');
    expectNoLeak(() => model.predict(empty), '[TokenEmbedding] input must not be empty');
    empty.dispose();
    model.dispose();
  });
});

describe('MultiHeadAttention mask and shape checks', () => {
  const setup = () => {
    const attention = new MultiHeadAttention({ numHeads: 2, causal: true });
    const x = tf.ones([2, 3, 8]);
    tf.dispose(attention.apply(x) as tf.Tensor);
    return { attention, x };
  };
  const teardown = (attention: MultiHeadAttention, x: tf.Tensor) => {
    x.dispose();
    for (const w of attention.weights) w.dispose();
  };

  it.each([
    [
      () =>
        tf.tensor2d([
          [1, 1, 0.5],
          [1, 1, 1],
        ]),
      'paddingMask must hold only 0 (padding) and 1',
    ],
    [
      () =>
        tf.tensor2d([
          [1, Number.NaN, 1],
          [1, 1, 1],
        ]),
      'paddingMask must hold only 0 (padding)',
    ],
    [
      () =>
        tf.tensor2d([
          [1, 1],
          [1, 1],
        ]),
      'paddingMask must be [batch, seq] = [2, 3], got [2,2]',
    ],
    [
      () =>
        tf.tensor([
          ['1', '1', '0'],
          ['1', '1', '1'],
        ]),
      'paddingMask must be float32, int32 or bool',
    ],
  ])('rejects bad mask %#', (makeMask, message) => {
    const { attention, x } = setup();
    const mask = makeMask();
    expectNoLeak(() => attention.apply([x, mask]), `[MultiHeadAttention] ${message}`);
    mask.dispose();
    teardown(attention, x);
  });

  it('accepts 0/1 masks of every numeric dtype and bool (control)', () => {
    const { attention, x } = setup();
    for (const mask of [
      tf.tensor2d([
        [1, 1, 0],
        [1, 1, 1],
      ]),
      tf.tensor2d(
        [
          [1, 1, 0],
          [1, 1, 1],
        ],
        [2, 3],
        'int32',
      ),
      tf.tensor2d(
        [
          [true, true, false],
          [true, true, true],
        ],
        [2, 3],
        'bool',
      ),
    ]) {
      const y = attention.apply([x, mask]) as tf.Tensor;
      expect(y.shape).toEqual([2, 3, 8]);
      expect(Number.isFinite(y.sum().dataSync()[0])).toBe(true);
      tf.dispose([y, mask]);
    }
    teardown(attention, x);
  });

  it('rejects an empty sequence', () => {
    const { attention, x } = setup();
    const empty = tf.ones([2, 0, 8]);
    expectNoLeak(
      () => attention.apply(empty),
      '[MultiHeadAttention] input must not be empty, got [2,0,8]',
    );
    empty.dispose();
    teardown(attention, x);
  });
});

describe('sparseSoftmaxCrossEntropy', () => {
  it('rejects an empty batch instead of returning a tiny number', () => {
    const labels = tf.zeros([0], 'int32');
    const logits = tf.zeros([0, 5]);
    expectNoLeak(
      () => sparseSoftmaxCrossEntropy(labels, logits),
      '[sparseSoftmaxCrossEntropy] labels must not be empty, got shape [0]',
    );
    tf.dispose([labels, logits]);
  });
});
