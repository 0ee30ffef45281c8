import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { clipByGlobalNorm, lossAndGradients, trainStep } from '../../src/index.js';
import { tinyBatches, tinyModel } from '../helpers/tiny-model.js';

async function maxGradDifference(a: tf.NamedTensorMap, b: tf.NamedTensorMap) {
  let worst = 0;
  for (const [name, t] of Object.entries(a)) {
    const x = await t.data();
    const y = await (b[name] as tf.Tensor).data();
    for (let i = 0; i < x.length; i++)
      worst = Math.max(worst, Math.abs((x[i] as number) - (y[i] as number)));
  }
  return worst;
}

describe('lossAndGradients', () => {
  it('accumulating micro-batches gives the full batch loss and gradient', async () => {
    const model = tinyModel();
    const [whole] = tinyBatches(1, 6) as [tf.Tensor];
    const parts = [tf.slice(whole, [0, 0], [2, 9]), tf.slice(whole, [2, 0], [4, 9])]; // unequal
    const full = lossAndGradients(model, whole);
    const accumulated = lossAndGradients(model, parts);
    expect(
      Math.abs((await full.loss.data())[0]! - (await accumulated.loss.data())[0]!),
    ).toBeLessThan(1e-6);
    expect(await maxGradDifference(full.grads, accumulated.grads)).toBeLessThan(1e-6);
    // Negative control: an unweighted mean of the micro-batch gradients is another gradient.
    const a = lossAndGradients(model, parts[0] as tf.Tensor);
    const b = lossAndGradients(model, parts[1] as tf.Tensor);
    const unweighted = Object.fromEntries(
      Object.keys(a.grads).map((n) => [n, tf.mul(tf.add(a.grads[n]!, b.grads[n]!), 0.5)]),
    );
    expect(await maxGradDifference(full.grads, unweighted)).toBeGreaterThan(1e-4);
  });

  it('keeps only its outputs alive', () => {
    const model = tinyModel();
    const batches = tinyBatches(2);
    lossAndGradients(model, batches); // builds lazily-created state, if any
    const before = tf.memory().numTensors;
    const { loss, grads } = lossAndGradients(model, batches);
    expect(tf.memory().numTensors).toBe(before + 1 + model.trainableWeights.length);
    tf.dispose([loss, ...Object.values(grads)]);
  });

  it('rejects a batch that is not [rows, seq + 1] int32', () => {
    const model = tinyModel();
    expect(() => lossAndGradients(model, tf.zeros([2, 9]))).toThrow(
      /\[lossAndGradients\] tokens must be int32/,
    );
    expect(() => lossAndGradients(model, tf.zeros([2, 1], 'int32'))).toThrow(/seq ≥ 1/);
    expect(() => lossAndGradients(model, [])).toThrow(/at least one batch/);
  });
});

describe('trainStep', () => {
  it('applies the clipped gradient (as clipByGlobalNorm then applyGradients by hand)', async () => {
    const [batch] = tinyBatches(1) as [tf.Tensor];
    const byHelper = tinyModel();
    const byHand = tinyModel();
    const { loss, gradientNorm } = trainStep(byHelper, tf.train.sgd(0.5), batch, { clipNorm: 0.1 });
    const { loss: handLoss, grads } = lossAndGradients(byHand, batch);
    const clipped = clipByGlobalNorm(grads, 0.1);
    tf.train.sgd(0.5).applyGradients(clipped.grads);
    expect((await gradientNorm!.data())[0]).toBeGreaterThan(0.1); // clipping was active
    expect((await loss.data())[0]).toBe((await handLoss.data())[0]);
    const a = byHelper.getWeights();
    const b = byHand.getWeights();
    for (let i = 0; i < a.length; i++) expect(await a[i]!.data()).toEqual(await b[i]!.data());
  });

  it('leaks no tensor beyond its loss', () => {
    const model = tinyModel();
    const optimizer = tf.train.adam(1e-3);
    const batches = tinyBatches(2);
    tf.dispose(Object.values(trainStep(model, optimizer, batches, { clipNorm: 1 })));
    const before = tf.memory().numTensors;
    const { loss, gradientNorm } = trainStep(model, optimizer, batches, { clipNorm: 1 });
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([loss, gradientNorm!]);
  });
});
