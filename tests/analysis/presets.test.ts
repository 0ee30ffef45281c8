import { describe, expect, it } from 'vitest';
import { countParams } from '../../src/analysis/count-params.js';
import { embeddingShare } from '../../src/analysis/embedding-share.js';
import { type PresetName, presets } from '../../src/analysis/presets.js';

describe('presets', () => {
  // Published totals, typed in from the sources each preset cites (not from countParams).
  const published: Record<PresetName, number> = {
    gpt2: 124_439_808,
    'bert-base': 109_482_240,
    'llama-2-7b': 6_738_415_616,
    'llama-3-8b': 8_030_261_248,
    'mistral-7b': 7_241_732_096,
    'gemma-2b': 2_506_434_560,
    'gemma-7b': 8_538_074_112,
    'qwen2-0.5b': 494_032_768,
  };

  it.each(Object.keys(published) as PresetName[])(
    '%s reproduces its published total exactly',
    (name) => {
      const preset = presets[name];
      expect(preset.publishedTotal).toBe(published[name]);
      expect(countParams(preset.config).total).toBe(published[name]);
      expect(preset.source.length).toBeGreaterThan(20);
    },
  );

  it('covers the models the docs promise', () => {
    expect(Object.keys(presets).sort()).toEqual(Object.keys(published).sort());
  });

  it("matches the Gemma report's embedding / non-embedding split (Table 2)", () => {
    const g2 = countParams(presets['gemma-2b'].config);
    expect(g2.tokenEmbedding).toBe(524_550_144);
    expect(g2.nonEmbedding).toBe(1_981_884_416);
    const g7 = countParams(presets['gemma-7b'].config);
    expect(g7.tokenEmbedding).toBe(786_825_216);
    expect(g7.nonEmbedding).toBe(7_751_248_896);
  });

  it('gives Llama-3-8B a 128,256-token vocabulary and a 6.54 % embedding share', () => {
    const { config, publishedTotal } = presets['llama-3-8b'];
    expect(config.vocabSize).toBe(128256);
    expect(embeddingShare(config.vocabSize, config.hiddenSize, publishedTotal)).toBeCloseTo(
      0.0654,
      4,
    );
    expect(presets['qwen2-0.5b'].config.vocabSize).toBe(151936);
  });

  it('records which models tie their embeddings', () => {
    const tied = (Object.keys(presets) as PresetName[]).filter(
      (k) => presets[k].config.tieWordEmbeddings,
    );
    expect(tied.sort()).toEqual(['bert-base', 'gemma-2b', 'gemma-7b', 'gpt2', 'qwen2-0.5b']);
  });
});
