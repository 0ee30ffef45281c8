import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  AdamW,
  checkpointFromBytes,
  checkpointToBytes,
  createCheckpoint,
  restoreCheckpoint,
  trainStep,
} from '../../src/index.js';
import { tinyBatches, tinyModel } from '../helpers/tiny-model.js';

const adamw = () =>
  new AdamW({
    learningRate: { peak: 2e-2, warmupSteps: 2, totalSteps: 8, final: 1e-3 },
    weightDecay: 0.1,
  });

async function losses(model: tf.LayersModel, optimizer: tf.Optimizer, batches: tf.Tensor[]) {
  const out: number[] = [];
  for (const batch of batches) {
    const { loss, gradientNorm } = trainStep(model, optimizer, batch, { clipNorm: 0.5 });
    out.push((await loss.data())[0] as number);
    tf.dispose([loss, gradientNorm as tf.Scalar]);
  }
  return out;
}

describe('createCheckpoint / restoreCheckpoint', () => {
  it('a resumed run continues with the same losses as an uninterrupted one', async () => {
    const batches = tinyBatches(8);
    const uninterrupted = await losses(tinyModel(), adamw(), batches);

    const first = tinyModel();
    const firstOptimizer = adamw();
    const before = await losses(first, firstOptimizer, batches.slice(0, 4));
    const bytes = checkpointToBytes(await createCheckpoint(first, firstOptimizer, { batch: 4 }));
    // Another seed: only the checkpoint can make it continue the same run.
    const resumed = tinyModel(99);
    const resumedOptimizer = adamw();
    const checkpoint = checkpointFromBytes(bytes);
    await restoreCheckpoint(resumed, resumedOptimizer, checkpoint);
    expect(checkpoint.step).toBe(4);
    expect(checkpoint.metadata).toEqual({ batch: 4 });
    expect(resumedOptimizer.iterations).toBe(4);
    const after = await losses(resumed, resumedOptimizer, batches.slice(4));
    const worst = Math.max(
      ...[...before, ...after].map((l, i) => Math.abs(l - (uninterrupted[i] as number))),
    );
    expect(worst).toBeLessThan(1e-6);

    // Negative control: the weights alone, with a fresh optimizer (restarted Adam and
    // schedule), give other losses from the second resumed step on.
    const weightsOnly = tinyModel(99);
    await restoreCheckpoint(weightsOnly, adamw(), checkpoint);
    const restarted = await losses(weightsOnly, adamw(), batches.slice(4));
    expect(Math.abs((restarted[0] as number) - (uninterrupted[4] as number))).toBeLessThan(1e-6);
    expect(Math.abs((restarted[1] as number) - (uninterrupted[5] as number))).toBeGreaterThan(1e-4);
  });

  it('also carries tfjs Adam state across models with other variable names', async () => {
    const batches = tinyBatches(4);
    const uninterrupted = await losses(tinyModel(), tf.train.adam(1e-2), batches);
    const first = tinyModel();
    const firstOptimizer = tf.train.adam(1e-2);
    await losses(first, firstOptimizer, batches.slice(0, 2));
    const checkpoint = await createCheckpoint(first, firstOptimizer);
    const resumed = tinyModel(5);
    const resumedOptimizer = tf.train.adam(1e-2);
    await restoreCheckpoint(resumed, resumedOptimizer, checkpoint);
    const after = await losses(resumed, resumedOptimizer, batches.slice(2));
    expect(Math.abs((after[1] as number) - (uninterrupted[3] as number))).toBeLessThan(1e-6);
  });

  it('stores the tied embedding once and leaks no tensor', async () => {
    const model = tinyModel();
    const optimizer = adamw();
    await losses(model, optimizer, tinyBatches(1));
    const before = tf.memory().numTensors;
    const checkpoint = await createCheckpoint(model, optimizer);
    await restoreCheckpoint(model, optimizer, checkpoint);
    expect(tf.memory().numTensors).toBe(before);
    const embeddings = checkpoint.weights.specs.filter((s) => s.shape.join() === '30,16');
    expect(embeddings).toHaveLength(1);
    expect(checkpoint.weights.specs).toHaveLength(model.weights.length);
  });

  it('rejects a mismatched model, optimizer or bytes by name', async () => {
    const model = tinyModel();
    const checkpoint = await createCheckpoint(model, adamw());
    await expect(restoreCheckpoint(model, tf.train.adam(1e-3), checkpoint)).rejects.toThrow(
      /\[restoreCheckpoint\] checkpoint holds AdamW state, got a Adam optimizer/,
    );
    const { createCausalLM } = await import('../../src/index.js');
    const wider = createCausalLM({
      vocabSize: 30,
      hiddenSize: 32,
      numLayers: 1,
      numHeads: 2,
      intermediateSize: 32,
      head: 'tied',
    });
    await expect(restoreCheckpoint(wider, adamw(), checkpoint)).rejects.toThrow(
      /weight 0 .* has shape \[30,16\], the model's \[30,32\]/,
    );
    const bytes = checkpointToBytes(checkpoint);
    expect(() => checkpointFromBytes(bytes.subarray(0, bytes.length - 1))).toThrow(
      /\[checkpointFromBytes\] expected \d+ bytes/,
    );
    expect(() => checkpointFromBytes(new Uint8Array(8))).toThrow(
      /not a tiedformer checkpoint|not JSON/,
    );
  });
});
