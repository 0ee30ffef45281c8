import { describe, expect, it } from 'vitest';
import { resolveAttentionHeads } from '../../src/analysis/resolve-attention-heads.js';

describe('resolveAttentionHeads', () => {
  it('defaults numKeyValueHeads to numHeads and headDim to hiddenSize / numHeads', () => {
    expect(resolveAttentionHeads('f', 64, { numHeads: 4 })).toEqual({
      numHeads: 4,
      numKeyValueHeads: 4,
      headDim: 16,
    });
    expect(
      resolveAttentionHeads('f', 60, { numHeads: 8, numKeyValueHeads: 2, headDim: 12 }),
    ).toEqual({ numHeads: 8, numKeyValueHeads: 2, headDim: 12 });
  });

  it('names the owner and the sizes that do not divide', () => {
    expect(() =>
      resolveAttentionHeads('ModelConfig', 64, { numHeads: 4, numKeyValueHeads: 3 }),
    ).toThrow('[ModelConfig] numHeads (4) must be divisible by numKeyValueHeads (3)');
    expect(() => resolveAttentionHeads('ModelConfig', 60, { numHeads: 8 })).toThrow(
      '[ModelConfig] hiddenSize (60) must be divisible by numHeads (8), or give headDim',
    );
    expect(() => resolveAttentionHeads('ModelConfig', 64, { numHeads: 0 })).toThrow(
      '[ModelConfig] numHeads must be a positive integer, got 0',
    );
  });
});
