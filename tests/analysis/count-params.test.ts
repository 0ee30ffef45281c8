import { describe, expect, it } from 'vitest';
import { countParams } from '../../src/analysis/count-params.js';
import type { ModelConfig } from '../../src/analysis/model-config.js';

const gpt2: ModelConfig = {
  vocabSize: 50257,
  hiddenSize: 768,
  numLayers: 12,
  numHeads: 12,
  intermediateSize: 3072,
  qkvBias: true,
  outputBias: true,
  mlpBias: true,
  norm: 'layernorm',
  positionEmbedding: 'learned',
  maxPositions: 1024,
};

describe('countParams', () => {
  it('counts GPT-2 small tensor by tensor (the shapes of the released checkpoint)', () => {
    // wte [50257,768], wpe [1024,768]; per block ln_1 (w,b), c_attn [768,2304]+[2304],
    // c_proj [768,768]+[768], ln_2 (w,b), c_fc [768,3072]+[3072], mlp.c_proj [3072,768]+[768]; ln_f (w,b).
    const block =
      2 * 768 +
      (768 * 2304 + 2304) +
      (768 * 768 + 768) +
      2 * 768 +
      (768 * 3072 + 3072) +
      (3072 * 768 + 768);
    const byHand = 50257 * 768 + 1024 * 768 + 12 * block + 2 * 768;
    const count = countParams(gpt2);
    expect(byHand).toBe(124_439_808);
    expect(count.total).toBe(byHand);
    expect(count.perLayer).toBe(block);
    expect(count.lmHead).toBe(0);
  });

  it('adds d·n for an untied head and n for a logit bias', () => {
    const tied = countParams(gpt2).total;
    expect(countParams({ ...gpt2, tieWordEmbeddings: false }).total).toBe(tied + 50257 * 768);
    expect(countParams({ ...gpt2, lmHeadBias: true }).total).toBe(tied + 50257);
  });

  it('counts a head projection: d² (+ d bias) (+ its norm), as BERT’s MLM transform', () => {
    const tied = countParams(gpt2).total;
    expect(countParams({ ...gpt2, lmHeadProjection: 'dense' }).total).toBe(tied + 768 * 768);
    expect(
      countParams({ ...gpt2, lmHeadProjection: 'dense-bias', lmHeadProjectionNorm: true }).total,
    ).toBe(tied + 768 * 768 + 768 + 2 * 768);
    expect(countParams({ ...gpt2, lmHeadProjection: 'dense' }).nonEmbedding).toBe(
      countParams(gpt2).nonEmbedding + 768 * 768,
    );
  });

  it('counts grouped-query attention with k, v of width K·headDim', () => {
    const base = {
      vocabSize: 100,
      hiddenSize: 64,
      numLayers: 1,
      numHeads: 8,
      intermediateSize: 128,
    };
    const mha = countParams(base).attention;
    const gqa = countParams({ ...base, numKeyValueHeads: 2 }).attention;
    expect(mha).toBe(4 * 64 * 64);
    expect(gqa).toBe(2 * 64 * 64 + 2 * 64 * 16);
    expect(countParams({ ...base, numKeyValueHeads: 2, qkvBias: true }).attention).toBe(
      gqa + 64 + 2 * 16,
    );
  });

  it('counts 2 matrices for a standard MLP and 3 for a gated one, with their biases', () => {
    const base = { vocabSize: 10, hiddenSize: 8, numLayers: 2, numHeads: 2, intermediateSize: 32 };
    expect(countParams(base).mlp).toBe(2 * (2 * 8 * 32));
    expect(countParams({ ...base, mlp: 'gated' }).mlp).toBe(2 * (3 * 8 * 32));
    expect(countParams({ ...base, mlpBias: true }).mlp).toBe(2 * (2 * 8 * 32 + 32 + 8));
    expect(countParams({ ...base, mlp: 'gated', mlpBias: true }).mlp).toBe(
      2 * (3 * 8 * 32 + 64 + 8),
    );
  });

  it('counts d per RMSNorm and 2d per LayerNorm, 1, 2 or 4 per layer', () => {
    const base = { vocabSize: 10, hiddenSize: 8, numLayers: 3, numHeads: 2, intermediateSize: 16 };
    expect(countParams(base).layerNorms).toBe(3 * 2 * 8);
    expect(countParams({ ...base, normsPerLayer: 4 }).layerNorms).toBe(3 * 4 * 8);
    expect(countParams({ ...base, norm: 'layernorm', normsPerLayer: 1 }).layerNorms).toBe(3 * 16);
    expect(countParams({ ...base, finalNorm: false }).finalNorm).toBe(0);
  });

  it('breaks the total into parts that add up', () => {
    const c = countParams({
      ...gpt2,
      tieWordEmbeddings: false,
      pooler: true,
      tokenTypeVocab: 2,
      embeddingNorm: true,
    });
    const parts =
      c.tokenEmbedding +
      c.positionEmbedding +
      c.tokenTypeEmbedding +
      c.embeddingNorm +
      c.attention +
      c.mlp +
      c.layerNorms +
      c.finalNorm +
      c.pooler +
      c.lmHead;
    expect(parts).toBe(c.total);
    expect(c.attention + c.mlp + c.layerNorms).toBe(12 * c.perLayer);
    expect(c.nonEmbedding).toBe(
      c.total - c.tokenEmbedding - c.positionEmbedding - c.tokenTypeEmbedding - 50257 * 768,
    );
  });

  it('approaches the rough form 12·L·d² for a standard MLP of 4d', () => {
    const c = countParams({
      vocabSize: 1000,
      hiddenSize: 1024,
      numLayers: 24,
      numHeads: 16,
      intermediateSize: 4096,
    });
    expect(c.attention + c.mlp).toBe(12 * 24 * 1024 * 1024);
  });

  it.each([
    [
      { ...gpt2, hiddenSize: 100 },
      '[countParams] hiddenSize (100) must be divisible by numHeads (12), or give headDim',
    ],
    [
      { ...gpt2, numKeyValueHeads: 5 },
      '[countParams] numHeads (12) must be divisible by numKeyValueHeads (5)',
    ],
    [{ ...gpt2, numLayers: 0 }, '[countParams] numLayers must be a positive integer, got 0'],
    [
      { ...gpt2, intermediateSize: 3072.5 },
      '[countParams] intermediateSize must be a positive integer, got 3072.5',
    ],
    [
      { ...gpt2, maxPositions: undefined },
      "[countParams] maxPositions is required when positionEmbedding is 'learned'",
    ],
    [
      { ...gpt2, norm: 'batchnorm' },
      '[countParams] norm must be one of "rmsnorm", "layernorm", got "batchnorm"',
    ],
    [{ ...gpt2, normsPerLayer: 3 }, '[countParams] normsPerLayer must be one of 1, 2, 4, got 3'],
    [
      { ...gpt2, mlp: 'swiglu' },
      '[countParams] mlp must be one of "standard", "gated", got "swiglu"',
    ],
    [{ ...gpt2, qkvBias: 1 }, '[countParams] qkvBias must be true or false, got 1'],
    [{ ...gpt2, numKVHeads: 4 }, '[countParams] unknown option "numKVHeads"'],
    [
      { ...gpt2, vocabSize: Number.NaN },
      '[countParams] vocabSize must be a positive integer, got NaN',
    ],
  ])('rejects %#: %s', (config, message) => {
    expect(() => countParams(config as ModelConfig)).toThrow(message);
  });

  it('rejects something that is not an options object', () => {
    expect(() => countParams(null as unknown as ModelConfig)).toThrow(
      '[countParams] expected an options object, got null',
    );
  });
});
