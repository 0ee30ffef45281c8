import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sparseSoftmaxCrossEntropy } from '../../src/backend/sparse-cross-entropy.js';
import { createCausalLM } from '../../src/models/create-causal-lm.js';

// A synchronous read (dataSync, arraySync, bufferSync) inside a training step blocks the JS
// thread until the GPU queue drains on webgl and webgpu. This counts every one made over a
// full step (forward, loss, backward, Adam update) of each head design. The browser suite
// (tests/browser) counts the backend's readSync on webgl and webgpu themselves.
const SYNC_READS = ['dataSync', 'arraySync', 'bufferSync'] as const;

function countSyncReads(run: () => void): number {
  const spies = SYNC_READS.map((method) => vi.spyOn(tf.Tensor.prototype, method));
  try {
    run();
    return spies.reduce((n, spy) => n + spy.mock.calls.length, 0);
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a training step makes no synchronous read', () => {
  for (const head of ['tied', 'shuffled', 'ortho', 'untied'] as const) {
    it(`${head} head: forward, loss, backward and update without dataSync/arraySync/bufferSync`, () => {
      const model = createCausalLM({
        vocabSize: 40,
        hiddenSize: 16,
        numLayers: 2,
        numHeads: 2,
        intermediateSize: 32,
        head,
        dropout: 0.1,
        seed: 1,
      });
      const tokens = tf.randomUniformInt([2, 9], 0, 40, 5) as tf.Tensor2D;
      const inputs = tf.slice(tokens, [0, 0], [2, 8]);
      const targets = tf.slice(tokens, [0, 1], [2, 8]);
      const optimizer = tf.train.adam(1e-3);
      const step = () =>
        optimizer.minimize(
          () =>
            sparseSoftmaxCrossEntropy(
              targets,
              model.apply(inputs, { training: true }) as tf.Tensor,
            ),
          true,
        ) as tf.Scalar;
      step().dispose(); // first step: Adam creates its slots
      const before = tf.memory().numTensors;
      let loss: tf.Scalar | undefined;
      const reads = countSyncReads(() => {
        loss = step();
      });
      expect(reads).toBe(0);
      // The step did run: a finite loss, and no tensor left behind but the loss itself.
      expect(Number.isFinite((loss as tf.Scalar).dataSync()[0])).toBe(true);
      (loss as tf.Scalar).dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('the counter is live: the same step with a read in the loss counts it', () => {
    const logits = tf.variable(tf.randomNormal([4, 10], 0, 1, 'float32', 2));
    const labels = tf.tensor1d([1, 2, 3, 4], 'int32');
    const optimizer = tf.train.sgd(0.1);
    const reads = countSyncReads(() => {
      optimizer
        .minimize(() => {
          const loss = sparseSoftmaxCrossEntropy(labels, logits);
          loss.dataSync(); // what the old range check did
          return loss;
        }, true)
        ?.dispose();
    });
    expect(reads).toBe(1);
    tf.dispose([logits, labels]);
  });
});
