import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { AdamW, createCausalLM, restoreCheckpoint, trainStep } from '../../src/index.js';
import { DataParallelTrainer } from '../../src/node/index.js';

// Each project's backend: the replicas run on the same one as the single-process reference.
const backend = process.env.TIEDFORMER_BACKEND ?? 'cpu';
const model = {
  vocabSize: 40,
  hiddenSize: 16,
  numLayers: 1,
  numHeads: 2,
  intermediateSize: 32,
  head: 'tied' as const,
  seed: 4,
};
const optimizer = {
  learningRate: { peak: 2e-2, warmupSteps: 1, totalSteps: 8 },
  weightDecay: 0.1,
  clipNorm: 0.5,
};
// Two batches, each seen twice: the second pass shows the training moved.
const batches = Array.from({ length: 4 }, (_, step) => step % 2).map((s) =>
  Array.from({ length: 4 }, (_, r) =>
    Array.from({ length: 9 }, (_, t) => (s * 131 + r * 17 + t * 7 + ((s * r * t) % 5)) % 40),
  ),
);

async function oneProcess(steps: number[][][]) {
  const m = createCausalLM(model);
  const o = new AdamW(optimizer);
  const losses: number[] = [];
  for (const rows of steps) {
    const tokens = tf.tensor2d(rows, undefined, 'int32');
    const { loss, gradientNorm } = trainStep(m, o, tokens);
    losses.push((await loss.data())[0] as number);
    tf.dispose([tokens, loss, gradientNorm as tf.Scalar]);
  }
  return { model: m, optimizer: o, losses };
}

/** Two more steps (batches 0 and 1) of `m` with `o`: their losses. */
async function continued(m: tf.LayersModel, o: AdamW) {
  const losses: number[] = [];
  for (const rows of batches.slice(0, 2)) {
    const tokens = tf.tensor2d(rows, undefined, 'int32');
    const { loss, gradientNorm } = trainStep(m, o, tokens);
    losses.push((await loss.data())[0] as number);
    tf.dispose([tokens, loss, gradientNorm as tf.Scalar]);
  }
  return losses;
}

describe('DataParallelTrainer', () => {
  it('trains as one process does (2 workers, losses to 1e-4), checkpoints into it, refuses bad batches', async () => {
    const reference = await oneProcess(batches);
    const trainer = await DataParallelTrainer.start({ model, optimizer, workers: 2, backend });
    try {
      const losses: number[] = [];
      for (const rows of batches) losses.push(await trainer.step(rows));
      const worst = Math.max(
        ...losses.map((l, i) => Math.abs(l - (reference.losses[i] as number))),
      );
      expect(worst).toBeLessThan(1e-4);
      // Training moved: the comparison is not between two untrained models.
      expect((losses[0] as number) - (losses[2] as number)).toBeGreaterThan(0.05);

      const checkpoint = await trainer.checkpoint({ note: 'dp' });
      expect(checkpoint.step).toBe(4);
      const restored = createCausalLM({ ...model, seed: 77 });
      await restoreCheckpoint(restored, new AdamW(optimizer), checkpoint);
      const a = restored.getWeights();
      const b = reference.model.getWeights();
      let diff = 0;
      for (let i = 0; i < a.length; i++) {
        const x = await a[i]!.data();
        const y = await b[i]!.data();
        for (let j = 0; j < x.length; j++) diff = Math.max(diff, Math.abs(x[j]! - y[j]!));
      }
      expect(diff).toBeLessThan(1e-4);
      // The optimizer state too (each replica holds its variables' AdamW slots): training on
      // from the checkpoint in one process follows the uninterrupted reference; without the
      // state (a fresh AdamW at the same step count) it does not.
      const restoredOptimizer = new AdamW(optimizer);
      await restoreCheckpoint(restored, restoredOptimizer, checkpoint);
      const expected = await continued(reference.model, reference.optimizer);
      const resumed = await continued(restored, restoredOptimizer);
      const gap = Math.max(...resumed.map((l, i) => Math.abs(l - (expected[i] as number))));
      expect(gap).toBeLessThan(1e-4);
      const stateless = createCausalLM({ ...model, seed: 77 });
      const fresh = new AdamW(optimizer);
      await restoreCheckpoint(stateless, fresh, checkpoint);
      await fresh.setWeights([{ name: 'iter', tensor: tf.scalar(4, 'int32') }]);
      const drifted = await continued(stateless, fresh);
      expect(Math.abs((drifted[1] as number) - (expected[1] as number))).toBeGreaterThan(1e-3);

      // Bad batches are refused before any replica sees them, and the trainer keeps working.
      expect(() => trainer.step(batches[0]!.slice(0, 3))).toThrow(
        /\[DataParallelTrainer.step\] a batch of 3 rows does not split over 2 replicas/,
      );
      const bad = batches[0]!.map((row) => [...row]);
      bad[1]![2] = 40;
      expect(() => trainer.step(bad)).toThrow(/token id 40 at flat index 11 is outside \[0, 40\)/);
      expect(Number.isFinite(await trainer.step(batches[0]!))).toBe(true);
    } finally {
      await trainer.close();
    }
    await expect(trainer.step(batches[0]!)).rejects.toThrow(/closed/);
    await expect(DataParallelTrainer.start({ model, workers: 0 })).rejects.toThrow(
      /workers must be a positive integer/,
    );
  });

  it('averages three replicas and clips by their common norm as one process does', async () => {
    // Six rows over three replicas: each averages three gradients for the variables it owns
    // and the clipping norm adds three partial sums.
    const clipped = { ...optimizer, clipNorm: 0.25 };
    const six = batches.map((rows, s) => [...rows, ...batches[(s + 1) % 4]!.slice(0, 2)]);
    const m = createCausalLM(model);
    // The same clipping by trainStep, which reports the norm it clipped.
    const o = new AdamW({ ...clipped, clipNorm: undefined });
    const reference: number[] = [];
    const norms: number[] = [];
    for (const rows of six) {
      const tokens = tf.tensor2d(rows, undefined, 'int32');
      const { loss, gradientNorm } = trainStep(m, o, tokens, { clipNorm: clipped.clipNorm });
      reference.push((await loss.data())[0] as number);
      norms.push((await (gradientNorm as tf.Scalar).data())[0] as number);
      tf.dispose([tokens, loss, gradientNorm as tf.Scalar]);
    }
    // The clipping is active in every step, so a wrong norm would change the updates.
    expect(Math.min(...norms)).toBeGreaterThan(2 * clipped.clipNorm);
    const trainer = await DataParallelTrainer.start({
      model,
      optimizer: clipped,
      workers: 3,
      backend,
    });
    try {
      const losses: number[] = [];
      for (const rows of six) losses.push(await trainer.step(rows));
      const worst = Math.max(...losses.map((l, i) => Math.abs(l - (reference[i] as number))));
      expect(worst).toBeLessThan(1e-4);
      expect((losses[0] as number) - (losses[2] as number)).toBeGreaterThan(0.05);
    } finally {
      await trainer.close();
      m.dispose();
      o.dispose();
    }
  });

  it('without a seed every replica starts from rank 0 weights (a resumed trainer sees the same loss)', async () => {
    const { seed: _, ...unseeded } = model;
    const trainer = await DataParallelTrainer.start({
      model: unseeded,
      optimizer,
      workers: 2,
      backend,
    });
    try {
      // Two replicas with different weights would report different checkpoints; compare the
      // checkpoint of rank 0 with a resumed trainer's loss on the same batch.
      const checkpoint = await trainer.checkpoint();
      const first = await trainer.step(batches[0]!);
      const resumed = await DataParallelTrainer.start({
        model: unseeded,
        optimizer,
        workers: 2,
        backend,
        checkpoint,
      });
      try {
        expect(Math.abs((await resumed.step(batches[0]!)) - first)).toBeLessThan(1e-6);
      } finally {
        await resumed.close();
      }
    } finally {
      await trainer.close();
    }
  });
});
