import { describe, expect, expectTypeOf, it } from 'vitest';
import type { CausalLMAnalysisOptions } from '../../src/analysis/causal-lm-analysis-options.js';
import { estimateCausalLMInitialLoss } from '../../src/analysis/estimate-causal-lm-initial-loss.js';
import { estimateInitialLoss } from '../../src/analysis/initial-loss.js';
import { residualStreamVariance } from '../../src/analysis/residual-stream-variance.js';
import type { CausalLMOptions } from '../../src/models/causal-lm-options.js';

const small: CausalLMAnalysisOptions = {
  vocabSize: 4096,
  hiddenSize: 256,
  numLayers: 4,
  numHeads: 4,
  intermediateSize: 1024,
  head: 'tied',
};
const at64 = { sequenceLength: 64 };

describe('estimateCausalLMInitialLoss', () => {
  it('takes exactly the options createCausalLM takes (type level)', () => {
    // Fails to compile when CausalLMOptions gains a field this module does not know.
    expectTypeOf<CausalLMOptions>().toExtend<CausalLMAnalysisOptions>();
    const fromModel = (o: CausalLMOptions): CausalLMAnalysisOptions => o;
    const model: CausalLMOptions = {
      vocabSize: 4096,
      hiddenSize: 256,
      numLayers: 4,
      numHeads: 4,
      intermediateSize: 1024,
      head: 'tied',
    };
    expect(fromModel(model).vocabSize).toBe(4096);
  });

  it('reduces to the 2-gram estimate when the branches start at zero and positions are rotary', () => {
    for (const head of ['tied', 'untied', 'ortho', 'shuffled'] as const) {
      const std = 0.05;
      const model = estimateCausalLMInitialLoss(
        { ...small, head, embeddingStd: std, residualInit: 'zero' },
        at64,
      );
      const twoGram = estimateInitialLoss({
        vocabSize: 4096,
        hiddenSize: 256,
        std,
        head,
        ...(head === 'shuffled' ? { shuffle: 'swap-halves' as const } : {}),
      });
      expect(model.residualVariance).toBe(0);
      // Only difference: a uniform target is the input token with probability 1/n, and
      // ε = 1e-6 in the norm (relative 1e-6/σ² = 4e-4 on the logits' scale).
      const expected = twoGram.loss - twoGram.selfLogitMean / 4096;
      expect(model.loss).toBeCloseTo(expected, 2);
      expect(model.twoGramLoss).toBeCloseTo(twoGram.loss, 10);
    }
  });

  it('lowers a tied head with depth and normal init, and leaves untied heads alone', () => {
    const tied = [1, 4, 12].map(
      (numLayers) =>
        estimateCausalLMInitialLoss(
          { ...small, numLayers, embeddingStd: 0.06, residualInit: 'normal' },
          at64,
        ).loss,
    );
    expect(tied[0]).toBeGreaterThan(tied[1] as number);
    expect(tied[1]).toBeGreaterThan(tied[2] as number);
    const untied = [1, 12].map(
      (numLayers) =>
        estimateCausalLMInitialLoss(
          { ...small, numLayers, head: 'untied', embeddingStd: 0.06, residualInit: 'normal' },
          at64,
        ).loss,
    );
    // ‖h‖² = d after the final norm whatever the trunk: only ε moves it.
    expect(untied[0]).toBeCloseTo(untied[1] as number, 3);
  });

  it("reproduces the closed-form 'shrunk self logit' of learned positions (κ = 1)", () => {
    // GPT-2 small with zero residual branches and learned positions of std σ: κ² = π²/σ² = 1,
    // so the 2-gram form with self logit dσ/√2 gives ln(e^{dσ/√2} + (n − 1)e^{dσ²/2}) ≈ 11.61.
    const e = estimateCausalLMInitialLoss(
      {
        vocabSize: 50257,
        hiddenSize: 768,
        numLayers: 12,
        numHeads: 12,
        intermediateSize: 3072,
        head: 'tied',
        norm: 'layernorm',
        positionEmbedding: 'learned',
        maxPositions: 1024,
        residualInit: 'zero',
      },
      { sequenceLength: 128 },
    );
    const d = 768;
    const sigma = 0.02;
    const closedForm = Math.log(
      Math.exp((d * sigma) / Math.SQRT2) + 50256 * Math.exp((d * sigma * sigma) / 2),
    );
    expect(e.drowning).toBeCloseTo(1, 10);
    expect(Math.abs(e.loss - closedForm)).toBeLessThan(0.05);
  });

  it('scales the self logit with an input scale (Gemma-like √d) and not the other logits', () => {
    const plain = estimateCausalLMInitialLoss({ ...small, residualInit: 'normal' }, at64);
    const scaled = estimateCausalLMInitialLoss(
      { ...small, residualInit: 'normal', embeddingScale: 16 },
      at64,
    );
    expect(scaled.tokenVariance).toBeCloseTo(256 * plain.tokenVariance, 12);
    expect(scaled.selfLogitMean).toBeGreaterThan(10 * plain.selfLogitMean);
    expect(scaled.otherLogitVariance).toBeCloseTo(plain.otherLogitVariance, 2);
  });

  it("resolves 'recommended' to ln(n)/d", () => {
    const a = estimateCausalLMInitialLoss({ ...small, embeddingStd: 'recommended' }, at64);
    const b = estimateCausalLMInitialLoss({ ...small, embeddingStd: Math.log(4096) / 256 }, at64);
    expect(a.loss).toBe(b.loss);
  });

  it('rejects bad options and sequence lengths, naming them', () => {
    const f = (o: object, s = at64) =>
      estimateCausalLMInitialLoss({ ...small, ...o } as CausalLMAnalysisOptions, s);
    expect(() => f({ vocabSize: 1 })).toThrow(
      '[estimateCausalLMInitialLoss] vocabSize must be ≥ 2, got 1',
    );
    expect(() => f({ activation: 'tanh' })).toThrow('activation must be one of');
    expect(() => f({ residualInit: 'xavier' })).toThrow('residualInit must be one of');
    expect(() => f({ numKeyValueHeads: 3 })).toThrow(
      'numHeads (4) must be divisible by numKeyValueHeads (3)',
    );
    expect(() => f({ positionEmbedding: 'learned' })).toThrow(
      'maxPositions must be a positive integer, got undefined',
    );
    expect(() => f({ positionEmbedding: 'learned', maxPositions: 32 })).toThrow(
      'sequenceLength (64) exceeds maxPositions (32)',
    );
    expect(() => f({ rotary: false, positionEmbedding: 'rotary' })).toThrow(
      'rotary false contradicts positionEmbedding "rotary"',
    );
    expect(() => f({ logitSoftCap: 30, head: 'untied' })).toThrow(
      "logitSoftCap only applies to head 'tied'",
    );
    expect(() => f({ numLayer: 3 })).toThrow('unknown option "numLayer"');
    expect(() => f({}, { sequenceLength: 0 })).toThrow(
      '[estimateCausalLMInitialLoss] sequenceLength must be a positive integer, got 0',
    );
    expect(() => f({}, { sequenceLength: 9000 })).toThrow('sequenceLength must be ≤ 8192');
  });
});

describe('residualStreamVariance', () => {
  it('matches closed forms for one block: attention at t = 0 and a ReLU FFN', () => {
    // One block, ReLU, normal init s = 0.02, d = 64, H·hd = d, f = 4d, ε → 0 (1e-12).
    const d = 64;
    const s = 0.02;
    const sigma = 0.1;
    const stream = residualStreamVariance(
      {
        vocabSize: 1000,
        hiddenSize: d,
        numLayers: 1,
        numHeads: 4,
        intermediateSize: 4 * d,
        head: 'tied',
        activation: 'relu',
        embeddingStd: sigma,
        initStd: s,
        residualInit: 'normal',
        normEpsilon: 1e-12,
      },
      { sequenceLength: 1 },
    );
    // Position 0 attends only to itself: out = u·W_v·W_o, variance (H·hd)·s²·d·s².
    const attention = d * s * s * d * s * s;
    expect(stream.attentionVariance[0]).toBeCloseTo(attention, 12);
    // The FFN reads a unit-RMS input again: a ~ N(0, d·s²), E[relu(a)²] = d·s²/2.
    const ffn = 4 * d * s * s * ((d * s * s) / 2);
    expect((stream.ffnVariance[0] as number) / ffn).toBeCloseTo(1, 6);
    expect((stream.residualVariance[0] as number) / (attention + ffn)).toBeCloseTo(1, 6);
  });

  it('averages attention over the causal prefix: ρ² falls like 1/(t + 1) for a single block', () => {
    const stream = residualStreamVariance(
      {
        vocabSize: 1000,
        hiddenSize: 64,
        numLayers: 1,
        numHeads: 4,
        intermediateSize: 256,
        head: 'tied',
        activation: 'swiglu', // gated: no shared mean output, so positions stay uncorrelated
        embeddingStd: 0.1,
        residualInit: 'normal',
      },
      { sequenceLength: 16 },
    );
    const attentionAt = (t: number) =>
      (stream.residualVariance[t] as number) - (stream.residualVariance[15] as number);
    const r = stream.residualVariance;
    const ffn = (r[15] as number) - ((r[0] as number) - (r[15] as number)) / 15; // solve a/(t+1)+c
    expect(ffn).toBeGreaterThan(0);
    // a/1 + c and a/16 + c: ratio of the attention parts ≈ 16 (non-uniform weights add < 1 %).
    const a0 = (r[0] as number) - ffn;
    const a15 = (r[15] as number) - ffn;
    expect(a0 / a15).toBeGreaterThan(15);
    expect(a0 / a15).toBeLessThan(16.5);
    expect(attentionAt(0)).toBeGreaterThan(0);
  });
});
