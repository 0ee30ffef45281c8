import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  createCausalLM,
  fitSparse,
  perplexity,
  sparseCategoricalCrossentropyFromLogits,
} from '../../src/index.js';
import { crossEntropyOf } from '../helpers/cross-entropy-reference.js';

const vocabSize = 40;
const options = {
  vocabSize,
  hiddenSize: 16,
  numLayers: 1,
  numHeads: 2,
  intermediateSize: 32,
  head: 'tied' as const,
  // A larger init than the default so the logits are far from uniform: a wrong loss shows.
  embeddingStd: 0.5,
  seed: 3,
};

function data(rows: number, seed: number) {
  const tokens = tf.randomUniformInt([rows, 9], 0, vocabSize, seed);
  const x = tf.slice(tokens, [0, 0], [rows, 8]);
  const y = tf.slice(tokens, [0, 1], [rows, 8]);
  tokens.dispose();
  return { x, y };
}

describe('fitSparse with sparseCategoricalCrossentropyFromLogits', () => {
  it('reports the true cross-entropy as loss, val_loss and perplexity', async () => {
    const model = createCausalLM(options);
    model.compile({
      optimizer: tf.train.adam(0.05),
      loss: sparseCategoricalCrossentropyFromLogits,
      metrics: [perplexity],
    });
    const train = data(6, 1);
    const validation = data(6, 2);
    // One batch per epoch: the epoch's loss is that batch's loss before the update.
    const before = await crossEntropyOf(model.predict(train.x) as tf.Tensor, train.y);
    const batchLosses: number[] = [];
    const history = await fitSparse(model, train.x, train.y, {
      batchSize: 6,
      epochs: 1,
      validationData: [validation.x, validation.y],
      callbacks: { onBatchEnd: async (_, logs) => void batchLosses.push(logs?.loss as number) },
    });
    const loss = history.history.loss?.[0] as number;
    expect(Math.abs(loss - before)).toBeLessThan(1e-5);
    expect(batchLosses).toHaveLength(1);
    expect(Math.abs((batchLosses[0] as number) - before)).toBeLessThan(1e-5);
    const ppl = history.history.perplexity?.[0] as number;
    expect(Math.abs(ppl / Math.exp(before) - 1)).toBeLessThan(1e-5);
    // Validation runs after the update, on the trained weights, in 1 batch of 6 rows.
    const after = await crossEntropyOf(model.predict(validation.x) as tf.Tensor, validation.y);
    expect(Math.abs((history.history.val_loss?.[0] as number) - after)).toBeLessThan(1e-5);
    // The step changed the model, so the two comparisons are not one number twice.
    const trainedLoss = await crossEntropyOf(model.predict(train.x) as tf.Tensor, train.y);
    expect(before - trainedLoss).toBeGreaterThan(0.01);
  });

  it('negative control: tfjs sparseCategoricalCrossentropy on logits is off by more than the tolerance', async () => {
    const model = createCausalLM(options);
    model.compile({ optimizer: tf.train.sgd(0), loss: 'sparseCategoricalCrossentropy' });
    const { x, y } = data(6, 1);
    const truth = await crossEntropyOf(model.predict(x) as tf.Tensor, y);
    const history = await model.fit(x, tf.expandDims(tf.cast(y, 'float32'), -1), {
      batchSize: 6,
      epochs: 1,
      verbose: 0,
    });
    // It treats the logits as probabilities: the comparison above would catch that.
    expect(Math.abs((history.history.loss?.[0] as number) - truth)).toBeGreaterThan(0.05);
  });

  it('fitDataset takes [batch, seq] int32 and [batch, seq, 1] float32 targets alike', async () => {
    const { x, y } = data(8, 4);
    const losses: number[] = [];
    for (const targets of [y, tf.expandDims(tf.cast(y, 'float32'), -1)]) {
      const model = createCausalLM(options);
      model.compile({
        optimizer: tf.train.sgd(0.1),
        loss: sparseCategoricalCrossentropyFromLogits,
      });
      const dataset = tf.data
        .zip({ xs: tf.data.array(tf.unstack(x)), ys: tf.data.array(tf.unstack(targets)) })
        .batch(4);
      const history = await model.fitDataset(dataset as tf.data.Dataset<tf.TensorContainer>, {
        epochs: 2,
        validationData: dataset as tf.data.Dataset<tf.TensorContainer>,
        verbose: 0,
      });
      losses.push(...(history.history.loss as number[]), ...(history.history.val_loss as number[]));
      model.dispose();
    }
    expect(losses.slice(0, 4)).toEqual(losses.slice(4));
  });

  it('model.fit rejects sparse targets for a custom loss (why fitSparse exists)', async () => {
    const model = createCausalLM(options);
    model.compile({ optimizer: 'sgd', loss: sparseCategoricalCrossentropyFromLogits });
    const { x, y } = data(4, 5);
    await expect(model.fit(x, y, { epochs: 1 })).rejects.toThrow(/3 dimension/);
    await expect(model.fit(x, tf.expandDims(y, -1), { epochs: 1 })).rejects.toThrow(/shape/);
  });

  it('leaks no tensor over a fit with validation', async () => {
    const model = createCausalLM(options);
    model.compile({
      optimizer: tf.train.adam(1e-3),
      loss: sparseCategoricalCrossentropyFromLogits,
    });
    const { x, y } = data(8, 6);
    await fitSparse(model, x, y, { batchSize: 4, epochs: 1, validationData: [x, y] }); // warm: optimizer slots
    const before = tf.memory().numTensors;
    await fitSparse(model, x, y, { batchSize: 3, epochs: 2, validationData: [x, y] });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects mismatched shapes and bad options by name', async () => {
    const model = createCausalLM(options);
    model.compile({ optimizer: 'sgd', loss: sparseCategoricalCrossentropyFromLogits });
    const { x, y } = data(4, 7);
    await expect(fitSparse(model, x, tf.slice(y, [0, 0], [3, 8]))).rejects.toThrow(
      /\[fitSparse\] training targets must be \[4,8\]/,
    );
    await expect(fitSparse(model, x, y, { batchSize: 0 })).rejects.toThrow(
      /\[fitSparse\] batchSize must be a positive integer, got 0/,
    );
    await expect(fitSparse(model, tf.reshape(x, [32]), y)).rejects.toThrow(/inputs must be/);
  });
});

describe('perplexity', () => {
  it('is exp of the cross-entropy: vocab size for uniform logits', async () => {
    const p = perplexity(tf.tensor2d([[1, 2]], [1, 2], 'int32'), tf.zeros([1, 2, 10]));
    expect((await p.data())[0]).toBeCloseTo(10, 4);
  });
});
