import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { sparseSoftmaxCrossEntropy } from '../../src/backend/sparse-cross-entropy.js';
import { expectClose } from '../helpers/reference.js';

describe('sparseSoftmaxCrossEntropy', () => {
  it('equals tfjs softmaxCrossEntropy on one-hot labels, value and gradient', () => {
    const logits = tf.randomNormal([3, 4, 7], 0, 2, 'float32', 1);
    const labels = tf.randomUniformInt([3, 4], 0, 7, 2);
    const oneHot = tf.oneHot(labels, 7);
    const ours = tf.valueAndGrad((z: tf.Tensor) => sparseSoftmaxCrossEntropy(labels, z))(logits);
    const theirs = tf.valueAndGrad(
      (z: tf.Tensor) => tf.losses.softmaxCrossEntropy(oneHot, z) as tf.Scalar,
    )(logits);
    expectClose(ours.value, Array.from(theirs.value.dataSync()));
    expectClose(ours.grad, theirs.grad.arraySync());
  });

  it('is ln n for equal logits', () => {
    expect(
      sparseSoftmaxCrossEntropy(tf.tensor1d([3], 'int32'), tf.zeros([1, 8])).dataSync()[0],
    ).toBeCloseTo(Math.log(8), 6);
  });

  it('survives the disposal of its inputs before the backward pass', () => {
    const z = tf.variable(tf.randomNormal([2, 5]));
    const { grads } = tf.variableGrads(() => {
      const labels = tf.tensor1d([1, 4], 'int32'); // disposed by variableGrads' forward scope
      return sparseSoftmaxCrossEntropy(labels, z);
    });
    expect(Object.values(grads)[0]?.shape).toEqual([2, 5]);
  });

  it('rejects wrong dtypes, shapes and labels out of range', () => {
    const logits = tf.zeros([2, 5]);
    expect(() => sparseSoftmaxCrossEntropy(tf.tensor1d([1, 2]), logits)).toThrow(
      '[sparseSoftmaxCrossEntropy] labels must be int32, got float32',
    );
    expect(() => sparseSoftmaxCrossEntropy(tf.tensor1d([1, 2, 3], 'int32'), logits)).toThrow(
      '[sparseSoftmaxCrossEntropy] labels [3] must match logits [2,5] without its last axis',
    );
    expect(() => sparseSoftmaxCrossEntropy(tf.tensor1d([1, 5], 'int32'), logits)).toThrow(
      '[sparseSoftmaxCrossEntropy] label 5 is outside [0, 5)',
    );
  });
});
