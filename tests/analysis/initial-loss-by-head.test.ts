import { describe, expect, it } from 'vitest';
import { estimateCausalLMInitialLoss } from '../../src/analysis/estimate-causal-lm-initial-loss.js';
import { initialLossByHead } from '../../src/analysis/initial-loss-by-head.js';

const opts = {
  vocabSize: 8192,
  hiddenSize: 256,
  numLayers: 2,
  numHeads: 4,
  intermediateSize: 1024,
  head: 'tied' as const,
  embeddingStd: 0.1,
  residualInit: 'zero' as const,
};

describe('initialLossByHead', () => {
  it('rows agree with estimateCausalLMInitialLoss and are sorted', () => {
    const rows = initialLossByHead(opts, { sequenceLength: 32 });
    expect(rows).toHaveLength(8); // 4 heads × (0.1, recommended)
    for (let i = 1; i < rows.length; i++)
      expect(rows[i]?.loss).toBeGreaterThanOrEqual(rows[i - 1]?.loss as number);
    const tied = rows.find((r) => r.head === 'tied' && r.embeddingStd === 0.1);
    const direct = estimateCausalLMInitialLoss(opts, { sequenceLength: 32 });
    expect(tied?.loss).toBe(direct.loss);
    expect(tied?.excess).toBeCloseTo(direct.loss - Math.log(8192), 12);
  });

  it('in the 2-gram regime, a tied head at σ 0.1 starts far above ln n, the others do not', () => {
    const rows = initialLossByHead(opts, { sequenceLength: 32, embeddingStds: [0.02, 0.1] });
    const at = (head: string, std: number) =>
      rows.find((r) => r.head === head && r.embeddingStd === std);
    expect(at('tied', 0.1)?.nearUniform).toBe(false);
    // dσ²/2 = 0.05 at σ 0.02: every head is within 0.1 nats, the tied one too (dσ = 5.1 < ln n).
    for (const head of ['tied', 'shuffled', 'ortho', 'untied'])
      expect(at(head, 0.02)?.nearUniform).toBe(true);
    // At σ 0.1 the untied-like heads pay dσ²/2 = 1.28 nats: not near uniform either.
    expect(at('untied', 0.1)?.excess).toBeCloseTo(1.28, 1);
  });

  it('rejects a bad tolerance or std list', () => {
    expect(() => initialLossByHead(opts, { sequenceLength: 32, tolerance: 0 })).toThrow(
      '[initialLossByHead] tolerance must be a finite number > 0, got 0',
    );
    expect(() => initialLossByHead(opts, { sequenceLength: 32, embeddingStds: [] })).toThrow(
      '[initialLossByHead] embeddingStds must be a non-empty array',
    );
  });
});
