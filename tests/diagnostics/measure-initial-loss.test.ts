import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { estimateInitialLoss, type HeadKind } from '../../src/analysis/initial-loss.js';
import { measureInitialLoss } from '../../src/diagnostics/measure-initial-loss.js';
import { createCausalLM } from '../../src/models/create-causal-lm.js';

/** Uniform random token rows from a seeded tfjs generator. */
function randomTokens(vocabSize: number, rows: number, length: number, seed: number): number[][] {
  return tf.tidy(
    () => tf.randomUniformInt([rows, length], 0, vocabSize, seed).arraySync() as number[][],
  );
}

function zeroResidualModel(vocabSize: number, hiddenSize: number, std: number, head: HeadKind) {
  return createCausalLM({
    vocabSize,
    hiddenSize,
    numLayers: 1,
    numHeads: 2,
    intermediateSize: 2 * hiddenSize,
    head,
    embeddingStd: std,
    initStd: std,
    residualInit: 'zero', // the block is the identity at init: THEORY.md's 2-gram regime
    seed: 5,
  });
}

describe('measureInitialLoss', () => {
  // THEORY.md section 4's estimate against the loss the model actually has at init.
  it.each([
    [500, 32, 0.02],
    [1000, 64, 0.1],
    [2000, 32, 0.3],
  ])(
    'agrees with estimateInitialLoss within 0.1 nats for every head (n=%d, d=%d, σ=%f)',
    (n, d, std) => {
      const tokens = randomTokens(n, 24, 65, 7);
      for (const head of ['tied', 'shuffled', 'ortho', 'untied'] as const) {
        const measured = measureInitialLoss(zeroResidualModel(n, d, std, head), tokens);
        const estimate = estimateInitialLoss({
          vocabSize: n,
          hiddenSize: d,
          std,
          head,
          ...(head === 'shuffled' ? { shuffle: 'swap-halves' as const } : {}),
        }).loss;
        expect(
          Math.abs(measured - estimate),
          `${head}: measured ${measured}, estimated ${estimate}`,
        ).toBeLessThan(0.1);
      }
    },
  );

  it('at σ 0.02, d 256 puts a tied head well above ln n and the shuffled and ortho heads near it', () => {
    // The excess of a tied head is ln(1 + e^{dσ}/n): 0.86 nats at n = 128 (dσ = 5.12), but only
    // 0.04 at n = 4096. A small vocabulary makes the effect visible at this d and σ.
    const n = 128;
    const tokens = randomTokens(n, 8, 33, 8);
    const loss = (head: HeadKind) =>
      measureInitialLoss(zeroResidualModel(n, 256, 0.02, head), tokens);
    const uniform = Math.log(n);
    expect(loss('tied') - uniform).toBeGreaterThan(0.6);
    expect(Math.abs(loss('shuffled') - uniform)).toBeLessThan(0.1);
    expect(Math.abs(loss('ortho') - uniform)).toBeLessThan(0.1);
  });

  it('is ln n for a model whose logits are all equal', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: 10, outputDim: 10, embeddingsInitializer: 'zeros' }),
      ],
    });
    expect(measureInitialLoss(model, [[1, 2, 3, 4]])).toBeCloseTo(Math.log(10), 5);
  });

  it('rejects ragged, short or empty token batches and out-of-range ids', () => {
    const model = zeroResidualModel(50, 8, 0.02, 'tied');
    expect(() => measureInitialLoss(model, [])).toThrow(
      '[measureInitialLoss] tokens must hold at least one sequence',
    );
    expect(() => measureInitialLoss(model, [[1]])).toThrow(
      '[measureInitialLoss] sequences need at least 2 tokens, got 1',
    );
    expect(() =>
      measureInitialLoss(model, [
        [1, 2, 3],
        [1, 2],
      ]),
    ).toThrow('[measureInitialLoss] all sequences must have length 3; row 1 has 2');
    expect(() => measureInitialLoss(model, [[1, 2, 50]])).toThrow(
      '[sparseSoftmaxCrossEntropy] label 50 is outside [0, 50)',
    );
    expect(() => measureInitialLoss(model, [[1, 2]], 0)).toThrow(
      '[measureInitialLoss] batchSize must be a positive integer, got 0',
    );
  });
});
