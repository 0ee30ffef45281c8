import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { embeddingLookup } from '../../src/backend/embedding-lookup.js';

describe('embeddingLookup', () => {
  it('returns the rows at the ids', () => {
    const table = tf.tensor2d([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    const rows = embeddingLookup(
      table,
      tf.tensor2d(
        [
          [2, 0],
          [1, 2],
        ],
        [2, 2],
        'int32',
      ),
    );
    expect(rows.arraySync()).toEqual([
      [
        [4, 5],
        [0, 1],
      ],
      [
        [2, 3],
        [4, 5],
      ],
    ]);
  });

  it('has the gradient of a lookup: each row receives the sum of its positions’ cotangents', () => {
    // Closed form: dE[v] = Σ_{t: ids[t] = v} dy[t]; ids repeat 1 three times and never use 3.
    const table = tf.zeros([4, 2]);
    const ids = tf.tensor1d([1, 0, 1, 1], 'int32');
    const dy = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(embeddingLookup(t, ids), dy)))(table);
    expect(grad.arraySync()).toEqual([
      [3, 4],
      [13, 16],
      [0, 0],
      [0, 0],
    ]);
  });

  it('trains with an optimizer on this backend (wasm has no gather gradient of its own)', () => {
    const table = tf.variable(tf.randomNormal([20, 3], 0, 1, 'float32', 1));
    const ids = tf.tensor2d([[1, 5, 5, 19]], [1, 4], 'int32');
    const optimizer = tf.train.sgd(0.1);
    const loss = () => tf.sum(tf.square(embeddingLookup(table, ids))) as tf.Scalar;
    const before = loss().dataSync()[0] as number;
    optimizer.minimize(loss);
    expect(loss().dataSync()[0] as number).toBeLessThan(before);
  });

  it('leaks no tensors', () => {
    const table = tf.variable(tf.randomNormal([10, 4]));
    const ids = tf.tensor1d([1, 2, 2], 'int32');
    const step = () => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(embeddingLookup(table, ids)) as tf.Scalar,
      );
      tf.dispose([value, grads]);
    };
    step();
    const before = tf.memory().numTensors;
    step();
    expect(tf.memory().numTensors).toBe(before);
  });
});
