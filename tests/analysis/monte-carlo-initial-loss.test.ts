import { describe, expect, it } from 'vitest';
import { monteCarloInitialLoss } from '../../src/analysis/monte-carlo-initial-loss.js';

describe('monteCarloInitialLoss', () => {
  const model = { vocabSize: 300, hiddenSize: 16, std: 0.3, head: 'tied' } as const;

  it('is reproducible with a seed and varies without the same one', () => {
    const a = monteCarloInitialLoss({ ...model, seed: 5, numMatrices: 3, tokensPerMatrix: 8 });
    const b = monteCarloInitialLoss({ ...model, seed: 5, numMatrices: 3, tokensPerMatrix: 8 });
    const c = monteCarloInitialLoss({ ...model, seed: 6, numMatrices: 3, tokensPerMatrix: 8 });
    expect(a).toEqual(b);
    expect(c.loss).not.toBe(a.loss);
    expect(a.samples).toBe(24);
  });

  it('tends to ln n as σ → 0 for every head (all logits equal)', () => {
    for (const head of ['tied', 'untied', 'ortho'] as const) {
      const mc = monteCarloInitialLoss({
        ...model,
        head,
        std: 1e-6,
        numMatrices: 2,
        tokensPerMatrix: 4,
      });
      expect(mc.loss).toBeCloseTo(Math.log(300), 4);
    }
  });

  it('sees the self logit of a tied head: ≈ dσ nats above an untied head when it dominates', () => {
    const big = { vocabSize: 300, hiddenSize: 64, std: 0.5 } as const;
    const tied = monteCarloInitialLoss({
      ...big,
      head: 'tied',
      numMatrices: 4,
      tokensPerMatrix: 16,
    });
    // With dσ = 32 ≫ the background, the loss is the self logit σ·√d·χ_d minus the target's mean (0).
    expect(tied.loss).toBeGreaterThan(30);
    expect(tied.loss).toBeLessThan(34);
  });

  it('rejects a bad budget or seed', () => {
    expect(() => monteCarloInitialLoss({ ...model, numMatrices: 0 })).toThrow(
      '[monteCarloInitialLoss] numMatrices must be a positive integer, got 0',
    );
    expect(() => monteCarloInitialLoss({ ...model, tokensPerMatrix: 2.5 })).toThrow(
      '[monteCarloInitialLoss] tokensPerMatrix must be a positive integer, got 2.5',
    );
    expect(() => monteCarloInitialLoss({ ...model, seed: -1 })).toThrow(
      '[monteCarloInitialLoss] seed must be a positive integer, got -1',
    );
    expect(() => monteCarloInitialLoss({ ...model, std: -1 })).toThrow(
      '[monteCarloInitialLoss] std must be a finite number > 0, got -1',
    );
  });
});
