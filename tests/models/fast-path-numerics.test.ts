import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { naiveModelFrom } from '../../bench/naive-model.js';
import { setMatMulMode } from '../../src/backend/mat-mul.js';
import { sparseSoftmaxCrossEntropy } from '../../src/backend/sparse-cross-entropy.js';
import { createCausalLM } from '../../src/models/create-causal-lm.js';

afterEach(() => {
  setMatMulMode('auto');
});

describe('fast paths keep the numerics of plain tfjs', () => {
  it('tiedformer and the naive plain-tfjs model give the same losses over 20 Adam steps from one init', () => {
    const spec = { vocabSize: 64, hiddenSize: 16, numLayers: 2, numHeads: 4, intermediateSize: 64 };
    const options = {
      ...spec,
      head: 'tied',
      rotary: false,
      embeddingStd: 0.1,
      initStd: 0.1,
      seed: 3,
    } as const;
    const model = createCausalLM(options);
    const naive = naiveModelFrom(model, spec);
    const batches = Array.from(
      { length: 20 },
      (_, i) => tf.randomUniformInt([2, 9], 0, 64, 100 + i) as tf.Tensor2D,
    );

    const ours: number[] = [];
    const optimizer = tf.train.adam(1e-3);
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    for (const tokens of batches) {
      const inputs = tf.slice(tokens, [0, 0], [2, 8]);
      const targets = tf.slice(tokens, [0, 1], [2, 8]);
      const loss = optimizer.minimize(
        () => sparseSoftmaxCrossEntropy(targets, model.apply(inputs) as tf.Tensor),
        true,
        variables,
      ) as tf.Scalar;
      ours.push(loss.dataSync()[0] as number);
    }

    const theirs: number[] = [];
    const naiveOptimizer = tf.train.adam(1e-3);
    const naiveVariables = [...naive.weights.values()];
    setMatMulMode('native');
    for (const tokens of batches) {
      const loss = naiveOptimizer.minimize(
        () => naive.loss(tokens),
        true,
        naiveVariables,
      ) as tf.Scalar;
      theirs.push(loss.dataSync()[0] as number);
    }
    for (const [i, loss] of ours.entries())
      expect(Math.abs(loss - (theirs[i] as number)), `step ${i}`).toBeLessThan(1e-4);
    // The comparison means something only if training moved the weights.
    const initial = createCausalLM(options);
    const moved = tf
      .max(tf.abs(tf.sub(model.getWeights()[0] as tf.Tensor, initial.getWeights()[0] as tf.Tensor)))
      .dataSync()[0] as number;
    expect(moved).toBeGreaterThan(1e-3);
  });
});
