import type { ModelConfig } from './model-config.js';

/**
 * A well-known model: its architecture as a {@link ModelConfig}, its published parameter
 * total, its usual initialisation std, and where each figure comes from.
 *
 * @example
 * ```ts
 * import { countParams, presets, type ModelPreset } from 'tiedformer/analysis';
 * const gpt2: ModelPreset = presets.gpt2;
 * countParams(gpt2.config).total === gpt2.publishedTotal; // true
 * ```
 */
export interface ModelPreset {
  /** Human-readable name. */
  readonly name: string;
  /** Architecture; `countParams(config).total` equals `publishedTotal`. */
  readonly config: Readonly<ModelConfig>;
  /** Published parameter total (see `source` for where it is stated). */
  readonly publishedTotal: number;
  /** Std of the normal init of embeddings and weights in the reference implementation (`initializer_range`). */
  readonly initStd: number;
  /** Primary sources for the architecture and the total. */
  readonly source: string;
  /** Anything a reader could trip over. */
  readonly notes?: string;
}

const presetTable = {
  gpt2: {
    name: 'GPT-2 small',
    config: {
      vocabSize: 50257,
      hiddenSize: 768,
      numLayers: 12,
      numHeads: 12,
      intermediateSize: 3072,
      qkvBias: true,
      outputBias: true,
      mlpBias: true,
      norm: 'layernorm',
      normsPerLayer: 2,
      finalNorm: true,
      positionEmbedding: 'learned',
      maxPositions: 1024,
      tieWordEmbeddings: true,
    },
    publishedTotal: 124_439_808,
    initStd: 0.02,
    source:
      'Radford et al. 2019, "Language Models are Unsupervised Multitask Learners" (Table 2); ' +
      'released checkpoint openai-community/gpt2 config.json (n_embd 768, n_layer 12, n_head 12, n_positions 1024, vocab_size 50257, initializer_range 0.02)',
    notes:
      'The paper rounds the small model to "117M"; the released checkpoint has 124,439,808 parameters.',
  },
  'bert-base': {
    name: 'BERT-base (uncased)',
    config: {
      vocabSize: 30522,
      hiddenSize: 768,
      numLayers: 12,
      numHeads: 12,
      intermediateSize: 3072,
      qkvBias: true,
      outputBias: true,
      mlpBias: true,
      norm: 'layernorm',
      normsPerLayer: 2,
      finalNorm: false,
      positionEmbedding: 'learned',
      maxPositions: 512,
      embeddingNorm: true,
      tokenTypeVocab: 2,
      pooler: true,
      tieWordEmbeddings: true,
    },
    publishedTotal: 109_482_240,
    initStd: 0.02,
    source:
      'Devlin et al. 2019, "BERT" (Section 3: L=12, H=768, A=12); released checkpoint google-bert/bert-base-uncased config.json ' +
      '(vocab_size 30522, intermediate_size 3072, max_position_embeddings 512, type_vocab_size 2, initializer_range 0.02)',
    notes:
      'Encoder with pooler and token types, without the MLM head (the paper rounds to "110M"). ' +
      'Post-norm: its two LayerNorms per layer count the same as pre-norm ones.',
  },
  'llama-2-7b': {
    name: 'Llama-2-7B',
    config: {
      vocabSize: 32000,
      hiddenSize: 4096,
      numLayers: 32,
      numHeads: 32,
      numKeyValueHeads: 32,
      intermediateSize: 11008,
      mlp: 'gated',
      positionEmbedding: 'rotary',
      tieWordEmbeddings: false,
    },
    publishedTotal: 6_738_415_616,
    initStd: 0.02,
    source:
      'Touvron et al. 2023, "Llama 2: Open Foundation and Fine-Tuned Chat Models"; ' +
      'released checkpoint meta-llama/Llama-2-7b-hf config.json and its safetensors index (6,738,415,616 parameters)',
  },
  'llama-3-8b': {
    name: 'Llama-3-8B',
    config: {
      vocabSize: 128256,
      hiddenSize: 4096,
      numLayers: 32,
      numHeads: 32,
      numKeyValueHeads: 8,
      intermediateSize: 14336,
      mlp: 'gated',
      positionEmbedding: 'rotary',
      tieWordEmbeddings: false,
    },
    publishedTotal: 8_030_261_248,
    initStd: 0.02,
    source:
      'Meta 2024, Llama 3 model card and "The Llama 3 Herd of Models" (Dubey et al. 2024, Table 3: 8B, 32 layers, d 4096, 8 KV heads, vocabulary 128K); ' +
      'released checkpoint meta-llama/Meta-Llama-3-8B config.json (vocab_size 128256, intermediate_size 14336)',
    notes:
      'Vocabulary 128,256 (151,936 is Qwen2’s): embedding share 6.54 % per matrix, 13.08 % input + output.',
  },
  'mistral-7b': {
    name: 'Mistral-7B',
    config: {
      vocabSize: 32000,
      hiddenSize: 4096,
      numLayers: 32,
      numHeads: 32,
      numKeyValueHeads: 8,
      headDim: 128,
      intermediateSize: 14336,
      mlp: 'gated',
      positionEmbedding: 'rotary',
      tieWordEmbeddings: false,
    },
    publishedTotal: 7_241_732_096,
    initStd: 0.02,
    source:
      'Jiang et al. 2023, "Mistral 7B" (Table 1: dim 4096, n_layers 32, head_dim 128, hidden_dim 14336, n_heads 32, n_kv_heads 8, vocab_size 32000); ' +
      'released checkpoint mistralai/Mistral-7B-v0.1 (7.24B parameters)',
  },
  'gemma-2b': {
    name: 'Gemma-2B',
    config: {
      vocabSize: 256128,
      hiddenSize: 2048,
      numLayers: 18,
      numHeads: 8,
      numKeyValueHeads: 1,
      headDim: 256,
      intermediateSize: 16384,
      mlp: 'gated',
      positionEmbedding: 'rotary',
      tieWordEmbeddings: true,
    },
    publishedTotal: 2_506_434_560,
    initStd: 0.02,
    source:
      'Gemma Team 2024, "Gemma: Open Models Based on Gemini Research and Technology" (arXiv:2403.08295), ' +
      'Table 1 (d_model 2048, 18 layers, feedforward 32768 = 2 × 16384 gated, 8 heads, 1 KV head, head size 256, vocabulary 256,128) and ' +
      'Table 2 (524,550,144 embedding + 1,981,884,416 non-embedding parameters)',
    notes:
      'The released Hugging Face checkpoints store a 256,000-row embedding (vocab_size 256000), ' +
      '262,144 parameters fewer than the paper’s table. Gemma scales the input embedding by √d.',
  },
  'gemma-7b': {
    name: 'Gemma-7B',
    config: {
      vocabSize: 256128,
      hiddenSize: 3072,
      numLayers: 28,
      numHeads: 16,
      numKeyValueHeads: 16,
      headDim: 256,
      intermediateSize: 24576,
      mlp: 'gated',
      positionEmbedding: 'rotary',
      tieWordEmbeddings: true,
    },
    publishedTotal: 8_538_074_112,
    initStd: 0.02,
    source:
      'Gemma Team 2024, "Gemma: Open Models Based on Gemini Research and Technology" (arXiv:2403.08295), ' +
      'Table 1 (d_model 3072, 28 layers, feedforward 49152 = 2 × 24576 gated, 16 heads, head size 256, vocabulary 256,128) and ' +
      'Table 2 (786,825,216 embedding + 7,751,248,896 non-embedding parameters)',
    notes:
      'The released Hugging Face checkpoints store a 256,000-row embedding (vocab_size 256000), ' +
      '393,216 parameters fewer than the paper’s table. Heads × head size (4096) exceeds d (3072).',
  },
  'qwen2-0.5b': {
    name: 'Qwen2-0.5B',
    config: {
      vocabSize: 151936,
      hiddenSize: 896,
      numLayers: 24,
      numHeads: 14,
      numKeyValueHeads: 2,
      intermediateSize: 4864,
      mlp: 'gated',
      qkvBias: true,
      positionEmbedding: 'rotary',
      tieWordEmbeddings: true,
    },
    publishedTotal: 494_032_768,
    initStd: 0.02,
    source:
      'Yang et al. 2024, "Qwen2 Technical Report" (arXiv:2407.10671), Table 1 (0.5B: hidden 896, 24 layers, 14 query / 2 KV heads, ' +
      'intermediate 4864, tied embeddings); released checkpoint Qwen/Qwen2-0.5B config.json (vocab_size 151936) (0.49B parameters)',
    notes:
      '151,936 is the padded embedding size (the tokenizer has 151,646 tokens); it is not Llama 3’s vocabulary.',
  },
} as const satisfies Record<PresetName, ModelPreset>;

/**
 * Name of a preset in {@link presets}.
 *
 * @example
 * ```ts
 * import { presets, type PresetName } from 'tiedformer/analysis';
 * const names = Object.keys(presets) as PresetName[];
 * ```
 */
export type PresetName =
  | 'gpt2'
  | 'bert-base'
  | 'llama-2-7b'
  | 'llama-3-8b'
  | 'mistral-7b'
  | 'gemma-2b'
  | 'gemma-7b'
  | 'qwen2-0.5b';

/**
 * Configurations of well-known models, each with a primary source. Every preset's
 * `countParams(config).total` equals its `publishedTotal` exactly (tested).
 *
 * Note: 151,936 is Qwen2's (padded) vocabulary, not Llama 3's (128,256); an article
 * widely copied computes Llama 3's embedding share with the wrong one (7.75 % instead of
 * 6.54 %).
 *
 * @example
 * ```ts
 * import { embeddingShare, presets } from 'tiedformer/analysis';
 * const { config, publishedTotal } = presets['llama-3-8b'];
 * embeddingShare(config.vocabSize, config.hiddenSize, publishedTotal); // ≈ 0.0654
 * ```
 */
export const presets: Readonly<Record<PresetName, ModelPreset>> = presetTable;
