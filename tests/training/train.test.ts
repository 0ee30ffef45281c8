import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { AdamW, train, trainStep } from '../../src/index.js';
import { tinyBatches, tinyModel } from '../helpers/tiny-model.js';

const adamw = () =>
  new AdamW({ learningRate: { peak: 1e-2, warmupSteps: 2, totalSteps: 6 }, clipNorm: 1 });

describe('train', () => {
  it('is the hand-written loop of trainStep over groups of micro-batches', async () => {
    const batches = tinyBatches(7);
    const byHand = tinyModel();
    const optimizer = adamw();
    const expected: number[] = [];
    for (let i = 0; i < 6; i += 2) {
      const { loss } = trainStep(byHand, optimizer, batches.slice(i, i + 2), { clipNorm: 0.5 });
      expected.push((await loss.data())[0] as number);
      loss.dispose();
    }
    const seen: number[] = [];
    const { losses } = await train(tinyModel(), {
      optimizer: adamw(),
      batches,
      steps: 3,
      accumulationSteps: 2,
      clipNorm: 0.5,
      onStep: ({ step, gradientNorm }) => {
        seen.push(step);
        expect(gradientNorm).toBeGreaterThan(0);
      },
    });
    expect(losses).toEqual(expected);
    expect(seen).toEqual([0, 1, 2]);
  });

  it('takes async iterables, trains a last partial group, and lowers the loss', async () => {
    const batches = tinyBatches(3);
    async function* stream() {
      for (let epoch = 0; epoch < 5; epoch++) yield* batches;
    }
    const { losses } = await train(tinyModel(), {
      optimizer: tf.train.adam(2e-2),
      batches: stream(),
      accumulationSteps: 2,
    });
    expect(losses).toHaveLength(8); // 15 micro-batches: 7 pairs and one single
    expect(losses.at(-1)!).toBeLessThan(losses[0]! - 0.1);
  });

  it('leaks no tensor and disposes batches only when asked', async () => {
    const model = tinyModel();
    const optimizer = tf.train.adam(1e-3);
    await train(model, { optimizer, batches: tinyBatches(1), disposeBatches: true });
    const before = tf.memory().numTensors;
    const batches = tinyBatches(2);
    await train(model, { optimizer, batches, disposeBatches: true });
    expect(tf.memory().numTensors).toBe(before);
    expect(batches.every((b) => b.isDisposed)).toBe(true);
  });

  it('rejects bad options by name', async () => {
    const model = tinyModel();
    await expect(
      train(model, { optimizer: tf.train.sgd(1), batches: [], accumulationSteps: 0 }),
    ).rejects.toThrow(/\[train\] accumulationSteps must be a positive integer, got 0/);
    await expect(
      train(model, { optimizer: tf.train.sgd(1), batches: [], steps: 1.5 }),
    ).rejects.toThrow(/\[train\] steps/);
  });
});
