import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { AdamW } from '../../src/index.js';

// PyTorch's AdamW on a fixed gradient sequence: scripts/make_adamw_fixture.py.
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/adamw.json', import.meta.url), 'utf8'),
) as {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  clipNorm: number;
  W0: number[][];
  b0: number[];
  grads: { W: number[][]; b: number[] }[];
  plain: { W: number[][]; b: number[] }[];
  clipped: { W: number[][]; b: number[] }[];
};

function maxDifference(a: tf.Tensor, b: number[] | number[][]): number {
  const x = a.dataSync();
  const y = b.flat();
  return Math.max(...y.map((v, i) => Math.abs((x[i] as number) - v)));
}

async function run(optimizer: tf.Optimizer, expected: { W: number[][]; b: number[] }[]) {
  const W = tf.variable(tf.tensor2d(fixture.W0));
  const b = tf.variable(tf.tensor1d(fixture.b0));
  let worst = 0;
  fixture.grads.forEach((g, step) => {
    tf.tidy(() =>
      optimizer.applyGradients({ [W.name]: tf.tensor2d(g.W), [b.name]: tf.tensor1d(g.b) }),
    );
    const e = expected[step] as { W: number[][]; b: number[] };
    worst = Math.max(worst, maxDifference(W, e.W), maxDifference(b, e.b));
  });
  tf.dispose([W, b]);
  return worst;
}

const base = () => ({
  learningRate: fixture.lr,
  beta1: fixture.beta1,
  beta2: fixture.beta2,
  epsilon: fixture.epsilon,
  weightDecay: fixture.weightDecay,
});

describe('AdamW', () => {
  it('matches torch.optim.AdamW step by step (matrix decayed, vector not)', async () => {
    expect(await run(new AdamW(base()), fixture.plain)).toBeLessThan(1e-5);
  });

  it('matches AdamW after clip_grad_norm_ when given clipNorm', async () => {
    expect(
      await run(new AdamW({ ...base(), clipNorm: fixture.clipNorm }), fixture.clipped),
    ).toBeLessThan(1e-5);
  });

  it('negative controls: coupled L2 (tfjs adam) and no clipping both miss the reference', async () => {
    expect(
      await run(
        tf.train.adam(fixture.lr, fixture.beta1, fixture.beta2, fixture.epsilon),
        fixture.plain,
      ),
    ).toBeGreaterThan(1e-3);
    expect(await run(new AdamW(base()), fixture.clipped)).toBeGreaterThan(1e-3);
    // Decaying the vector too departs from the reference's param groups.
    expect(await run(new AdamW({ ...base(), decayVectors: true }), fixture.plain)).toBeGreaterThan(
      1e-4,
    );
  });

  it('saves and restores its slots and step count', async () => {
    const W = tf.variable(tf.tensor2d(fixture.W0));
    const first = new AdamW({
      ...base(),
      learningRate: { peak: 0.05, warmupSteps: 2, totalSteps: 6 },
    });
    const second = new AdamW({
      ...base(),
      learningRate: { peak: 0.05, warmupSteps: 2, totalSteps: 6 },
    });
    const g = () => ({ [W.name]: tf.tensor2d((fixture.grads[0] as { W: number[][] }).W) });
    first.applyGradients(tf.tidy(g));
    first.applyGradients(tf.tidy(g));
    await second.setWeights(await first.getWeights());
    expect(second.iterations).toBe(2);
    expect(second.currentLearningRate).toBe(first.currentLearningRate);
    const start = W.clone();
    first.applyGradients(tf.tidy(g));
    const afterFirst = W.clone();
    W.assign(start);
    second.applyGradients(tf.tidy(g));
    expect(maxDifference(W, afterFirst.arraySync() as number[][])).toBe(0);
    first.dispose();
    second.dispose();
    tf.dispose([W, start, afterFirst]);
  });

  it('leaks no tensor per step and frees its slots on dispose', () => {
    const W = tf.variable(tf.tensor2d(fixture.W0));
    const before = tf.memory().numTensors;
    const optimizer = new AdamW({ ...base(), clipNorm: 1 });
    const g = tf.tensor2d((fixture.grads[0] as { W: number[][] }).W);
    optimizer.applyGradients({ [W.name]: g });
    const afterOne = tf.memory().numTensors;
    optimizer.applyGradients({ [W.name]: g });
    expect(tf.memory().numTensors).toBe(afterOne);
    optimizer.dispose();
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    W.dispose();
  });

  it('round-trips its config through tfjs serialization', () => {
    const optimizer = new AdamW({
      learningRate: { peak: 1e-3, totalSteps: 10 },
      weightDecay: 0.1,
      clipNorm: 2,
    });
    const config = optimizer.getConfig();
    const copy = AdamW.fromConfig(AdamW, config) as AdamW;
    expect(copy.options).toEqual(optimizer.options);
  });

  it('rejects bad options by name', () => {
    expect(() => new AdamW({ beta1: 1 })).toThrow(/\[AdamW\] beta1 must be in \[0, 1\), got 1/);
    expect(() => new AdamW({ weightDecay: -1 })).toThrow(
      /\[AdamW\] weightDecay must be ≥ 0, got -1/,
    );
    expect(() => new AdamW({ clipNorm: 0 })).toThrow(
      /\[AdamW\] clipNorm must be a finite number > 0/,
    );
    expect(() => new AdamW({ learningRate: { peak: 1, warmupSteps: 5, totalSteps: 5 } })).toThrow(
      /totalSteps \(5\) must exceed warmupSteps \(5\)/,
    );
    expect(() => new AdamW({ lr: 1 } as never)).toThrow(/\[AdamW\] unknown option "lr"/);
  });
});

describe('AdamW on a backend with 16-bit floats', () => {
  // webgl without float32 textures computes in float16, where 1e-8 is 0: simulated by making
  // the running backend report 16-bit precision (its arithmetic stays float32 here).
  const as16Bit = () => {
    const backend = tf.backend();
    const original = backend.floatPrecision;
    backend.floatPrecision = () => 16;
    return () => {
      backend.floatPrecision = original;
    };
  };

  it("raises the default epsilon to the backend's (1e-4), as tfjs' Adam does", () => {
    const updateWithEpsilon = (optimizer: AdamW) => {
      const w = tf.variable(tf.tensor1d([1]));
      tf.tidy(() => optimizer.applyGradients({ [w.name]: tf.tensor1d([1e-4]) }));
      const value = w.dataSync()[0] as number;
      w.dispose();
      optimizer.dispose();
      return value;
    };
    // First step: m̂ = g, √v̂ = |g| = 1e-4, so the step is lr·g/(|g| + ε): ε = 1e-4 halves it.
    const options = { learningRate: 0.1, weightDecay: 0 };
    expect(updateWithEpsilon(new AdamW(options))).toBeCloseTo(1 - 0.1, 4);
    const restore = as16Bit();
    try {
      expect(updateWithEpsilon(new AdamW(options))).toBeCloseTo(1 - 0.05, 4);
      expect(new AdamW(options).getConfig()).not.toHaveProperty('epsilon');
    } finally {
      restore();
    }
  });

  it('rejects an explicit epsilon that rounds to 0 there, naming it', () => {
    const w = tf.variable(tf.tensor1d([1]));
    const optimizer = new AdamW({ epsilon: 1e-8 });
    const restore = as16Bit();
    try {
      expect(() => tf.tidy(() => optimizer.applyGradients({ [w.name]: tf.tensor1d([0]) }))).toThrow(
        /\[AdamW\] epsilon 1e-8 rounds to 0 in the \w+ backend's 16-bit floats/,
      );
    } finally {
      restore();
      optimizer.dispose();
      w.dispose();
    }
  });
});
