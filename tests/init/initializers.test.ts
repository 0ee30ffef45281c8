import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { normal } from '../../src/init/normal.js';
import { orthogonal } from '../../src/init/orthogonal.js';
import { resolveInitializer, serializeInitializer } from '../../src/init/resolve-initializer.js';
import { type ScaledResidual, scaledResidual } from '../../src/init/scaled-residual.js';
import { type TiedNormal, tiedNormal } from '../../src/init/tied-normal.js';
import { TokenEmbedding } from '../../src/layers/token-embedding.js';
import { expectClose } from '../helpers/reference.js';
import { saveToMemory } from '../helpers/save-to-memory.js';

const std = (t: tf.Tensor) => Math.sqrt(tf.mean(tf.square(t)).dataSync()[0] as number);

describe('initializers', () => {
  it('tiedNormal draws N(0, (ln n / d)²)', () => {
    const init = tiedNormal({ vocabSize: 5000, hiddenSize: 64, seed: 1 });
    expect((init as TiedNormal).std).toBeCloseTo(Math.log(5000) / 64, 12);
    expect(std(init.apply([5000, 64]))).toBeCloseTo(Math.log(5000) / 64, 3);
  });

  it('scaledResidual draws N(0, (σ/√(2L))²)', () => {
    const init = scaledResidual({ std: 0.02, numLayers: 12, seed: 2 });
    expect((init as ScaledResidual).std).toBeCloseTo(0.02 / Math.sqrt(24), 12);
    expect(std(init.apply([512, 512]))).toBeCloseTo(0.02 / Math.sqrt(24), 4);
  });

  it('normal draws N(0, std²) and is reproducible with a seed', () => {
    const a = normal({ std: 0.5, seed: 3 }).apply([300, 300]);
    expect(std(a)).toBeCloseTo(0.5, 2);
    expect(Array.from(normal({ std: 0.5, seed: 3 }).apply([4]).dataSync())).toEqual(
      Array.from(normal({ std: 0.5, seed: 3 }).apply([4]).dataSync()),
    );
  });

  it('orthogonal has orthonormal columns (tall) or rows (wide), times the gain', () => {
    const tall = orthogonal({ seed: 5 }).apply([12, 5]);
    expectClose(tf.matMul(tall, tall, true, false), tf.eye(5).arraySync(), 1e-5);
    const wide = orthogonal({ seed: 6 }).apply([5, 12]);
    expectClose(tf.matMul(wide, wide, false, true), tf.eye(5).arraySync(), 1e-5);
    expect(() => orthogonal().apply([4])).toThrow(
      '[orthogonal] needs a shape of rank ≥ 2, got [4]',
    );
  });

  it('orthogonal is rotation-invariant in law: the first entry of a 2×2 draw is cos θ, θ uniform', () => {
    // For a Haar 2×2 rotation/reflection, w[0][0] = cos θ with θ uniform: E[w00²] = 1/2, E[w00⁴] = 3/8.
    let second = 0;
    let fourth = 0;
    const draws = 2000;
    for (let s = 1; s <= draws; s++) {
      const w00 = orthogonal({ seed: s }).apply([2, 2]).dataSync()[0] as number;
      second += w00 ** 2 / draws;
      fourth += w00 ** 4 / draws;
    }
    expect(second).toBeCloseTo(0.5, 1);
    expect(fourth).toBeCloseTo(0.375, 1);
  });

  it('orthogonal gives WᵀW = gain²·I', () => {
    const w = orthogonal({ gain: 2, seed: 4 }).apply([16, 16]);
    expectClose(tf.matMul(w, w, true, false), tf.mul(tf.eye(16), 4).arraySync(), 1e-4);
  });

  it.each([
    ['TiedNormal', tiedNormal({ vocabSize: 100, hiddenSize: 8, seed: 5 })],
    ['ScaledResidual', scaledResidual({ std: 0.02, numLayers: 3 })],
    ['RandomNormal', normal({ std: 0.1, seed: 6 })],
    ['tiedformer>Orthogonal', orthogonal({ gain: 1.5 })],
  ])('%s serializes and deserializes to the same initializer', (className, init) => {
    const spec = serializeInitializer(init);
    expect(spec.className).toBe(className);
    const copy = resolveInitializer('test', 'init', JSON.parse(JSON.stringify(spec)));
    expect(serializeInitializer(copy)).toEqual(spec);
  });

  it('works inside tfjs layers and survives a save → load round trip', async () => {
    const ids = tf.input({ shape: [3], dtype: 'int32' });
    const embedding = new TokenEmbedding({
      vocabSize: 40,
      hiddenSize: 8,
      embeddingsInitializer: tiedNormal({ vocabSize: 40, hiddenSize: 8 }),
    });
    const dense = tf.layers.dense({
      units: 4,
      kernelInitializer: scaledResidual({ std: 0.02, numLayers: 2 }),
    });
    const model = tf.model({
      inputs: ids,
      outputs: dense.apply(embedding.apply(ids)) as tf.SymbolicTensor,
    });
    const artifacts = await saveToMemory(model);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    const loadedEmbedding = loaded.layers.find(
      (l) => l instanceof TokenEmbedding,
    ) as TokenEmbedding;
    expect(loadedEmbedding.getConfig().embeddingsInitializer).toEqual({
      className: 'TiedNormal',
      config: { vocabSize: 40, hiddenSize: 8 },
    });
    const loadedDense = loaded.layers.at(-1) as tf.layers.Layer;
    expect((loadedDense.getConfig().kernelInitializer as { className: string }).className).toBe(
      'ScaledResidual',
    );
  });

  it.each([
    [
      () => tiedNormal({ vocabSize: 1, hiddenSize: 8 }),
      '[recommendedTiedStd] vocabSize must be ≥ 2, got 1',
    ],
    [
      () => tiedNormal({ vocabSize: 100, hiddenSize: 0 }),
      '[TiedNormal] hiddenSize must be a positive integer, got 0',
    ],
    [
      () => tiedNormal({ vocabSize: 100, hiddenSize: 8, seed: -1 }),
      '[TiedNormal] seed must be a non-negative integer, got -1',
    ],
    [
      () => scaledResidual({ std: 0.02, numLayers: 0 }),
      '[ScaledResidual] numLayers must be a positive integer, got 0',
    ],
    [
      () => scaledResidual({ std: Number.NaN, numLayers: 2 }),
      '[ScaledResidual] std must be a finite number > 0, got NaN',
    ],
    [() => normal({ std: -0.02 }), '[normal] std must be a finite number > 0, got -0.02'],
    [() => orthogonal({ gain: 0 }), '[orthogonal] gain must be a finite number > 0, got 0'],
    [
      () => resolveInitializer('X', 'init', 'glorot' as never),
      '[X] init must be an initializer or { className, config }, got "glorot"',
    ],
  ])('rejects bad arguments %#', (make, message) => {
    expect(make).toThrow(message);
  });
});
