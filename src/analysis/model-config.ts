import { resolveAttentionHeads } from './resolve-attention-heads.js';
import {
  boolean,
  fail,
  knownKeys,
  nonNegativeInteger,
  oneOf,
  options,
  positiveInteger,
} from './validation.js';

/**
 * Architecture of a transformer language model, as far as parameter counts and the
 * initial-loss analysis need it. Field names follow the library's vocabulary
 * (`vocabSize`, `hiddenSize`, `numHeads`, ...). Defaults describe a modern decoder-only
 * model with tied embeddings: RMSNorm pre-norm, no biases, no learned positions.
 *
 * @example
 * ```ts
 * import { countParams, type ModelConfig } from 'tiedformer/analysis';
 * // GPT-2 small (Radford et al. 2019; Hugging Face `gpt2` config.json)
 * const gpt2: ModelConfig = {
 *   vocabSize: 50257, hiddenSize: 768, numLayers: 12, numHeads: 12, intermediateSize: 3072,
 *   qkvBias: true, outputBias: true, mlpBias: true, norm: 'layernorm',
 *   positionEmbedding: 'learned', maxPositions: 1024,
 * };
 * countParams(gpt2).total; // 124_439_808
 * ```
 */
export interface ModelConfig {
  /** Vocabulary size `n`. Required. */
  vocabSize: number;
  /** Hidden (model) size `d`. Required. */
  hiddenSize: number;
  /** Number of transformer layers `L`. Required. */
  numLayers: number;
  /** Number of query heads `H`. Required. */
  numHeads: number;
  /** Number of key/value heads `K` (grouped-query attention); must divide `numHeads`. Default `numHeads`. */
  numKeyValueHeads?: number;
  /** Size of one attention head. Default `hiddenSize / numHeads` (which must then be an integer). */
  headDim?: number;
  /** Inner size `f` of the MLP. Required. */
  intermediateSize: number;
  /** `'standard'`: two matrices (GELU/ReLU MLP, `2·d·f`); `'gated'`: three (SwiGLU/GeGLU, `3·d·f`). Default `'standard'`. */
  mlp?: 'standard' | 'gated';
  /** Biases on the query, key and value projections. Default `false`. */
  qkvBias?: boolean;
  /** Bias on the attention output projection. Default `false`. */
  outputBias?: boolean;
  /** Biases on the MLP matrices. Default `false`. */
  mlpBias?: boolean;
  /** Norm type: RMSNorm has a gain (`d`), LayerNorm a gain and a bias (`2d`). Default `'rmsnorm'`. */
  norm?: 'rmsnorm' | 'layernorm';
  /** Norms inside each layer: 1, 2 (pre- or post-norm) or 4 (e.g. Gemma 2's sandwich norm). Default `2`. */
  normsPerLayer?: 1 | 2 | 4;
  /** A norm after the last layer. Default `true`. */
  finalNorm?: boolean;
  /** Position encoding: `'learned'` adds `maxPositions · d` parameters; `'rotary'` and `'none'` add none. Default `'none'`. */
  positionEmbedding?: 'learned' | 'rotary' | 'none';
  /** Number of learned positions; required when `positionEmbedding` is `'learned'`. Default `0`. */
  maxPositions?: number;
  /** A norm right after the embeddings (BERT). Default `false`. */
  embeddingNorm?: boolean;
  /** Size of the token-type (segment) vocabulary (BERT: 2); `0` for none. Default `0`. */
  tokenTypeVocab?: number;
  /** BERT's pooler: a `d×d` dense layer with bias on the first token. Default `false`. */
  pooler?: boolean;
  /** The output head reuses the token embedding (no extra `n·d`). Default `true`. */
  tieWordEmbeddings?: boolean;
  /** A bias of size `n` on the output logits. Default `false`. */
  lmHeadBias?: boolean;
  /**
   * A `d×d` projection between the final norm and the output matrix, as in BERT's MLM head
   * and tiedformer's `OrthoProjectionHead`: `'none'`, `'dense'` (matrix only), `'dense-bias'`
   * (matrix and bias). Default `'none'`.
   */
  lmHeadProjection?: 'none' | 'dense' | 'dense-bias';
  /** A norm after that projection (BERT's LayerNorm; counted with `norm`'s size). Default `false`. */
  lmHeadProjectionNorm?: boolean;
}

/**
 * A {@link ModelConfig} with every default filled in and every field validated.
 *
 * @example
 * ```ts
 * import { resolveModelConfig, type ResolvedModelConfig } from 'tiedformer/analysis';
 * const full: ResolvedModelConfig = resolveModelConfig({
 *   vocabSize: 8192, hiddenSize: 256, numLayers: 4, numHeads: 4, intermediateSize: 1024,
 * });
 * full.headDim; // 64
 * ```
 */
export type ResolvedModelConfig = Required<ModelConfig>;

const KEYS = [
  'vocabSize',
  'hiddenSize',
  'numLayers',
  'numHeads',
  'numKeyValueHeads',
  'headDim',
  'intermediateSize',
  'mlp',
  'qkvBias',
  'outputBias',
  'mlpBias',
  'norm',
  'normsPerLayer',
  'finalNorm',
  'positionEmbedding',
  'maxPositions',
  'embeddingNorm',
  'tokenTypeVocab',
  'pooler',
  'tieWordEmbeddings',
  'lmHeadBias',
  'lmHeadProjection',
  'lmHeadProjectionNorm',
] as const satisfies readonly (keyof ModelConfig)[];

/**
 * Validates a {@link ModelConfig} and fills in its defaults.
 *
 * @param config - The configuration to check.
 * @param owner - Name used as the prefix of error messages.
 * @returns The configuration with every field present.
 * @throws RangeError naming the first bad field and its value (unknown fields included, so a
 *   typo never silently falls back to a default).
 * @example
 * ```ts
 * import { resolveModelConfig } from 'tiedformer/analysis';
 * resolveModelConfig({
 *   vocabSize: 32000, hiddenSize: 4096, numLayers: 32, numHeads: 32, numKeyValueHeads: 8,
 *   intermediateSize: 14336, mlp: 'gated',
 * }).tieWordEmbeddings; // true (the default)
 * ```
 */
export function resolveModelConfig(
  config: ModelConfig,
  owner = 'ModelConfig',
): ResolvedModelConfig {
  const raw = options(owner, config);
  knownKeys(owner, raw, KEYS);
  const vocabSize = positiveInteger(owner, 'vocabSize', raw.vocabSize);
  const hiddenSize = positiveInteger(owner, 'hiddenSize', raw.hiddenSize);
  const numLayers = positiveInteger(owner, 'numLayers', raw.numLayers);
  const { numHeads, numKeyValueHeads, headDim } = resolveAttentionHeads(owner, hiddenSize, raw);
  const intermediateSize = positiveInteger(owner, 'intermediateSize', raw.intermediateSize);
  const positionEmbedding = oneOf(owner, 'positionEmbedding', raw.positionEmbedding ?? 'none', [
    'learned',
    'rotary',
    'none',
  ] as const);
  let maxPositions = 0;
  if (positionEmbedding === 'learned') {
    if (raw.maxPositions === undefined) {
      fail(owner, `maxPositions is required when positionEmbedding is 'learned'`);
    }
    maxPositions = positiveInteger(owner, 'maxPositions', raw.maxPositions);
  } else if (raw.maxPositions !== undefined) {
    maxPositions = nonNegativeInteger(owner, 'maxPositions', raw.maxPositions);
  }
  return {
    vocabSize,
    hiddenSize,
    numLayers,
    numHeads,
    numKeyValueHeads,
    headDim,
    intermediateSize,
    mlp: oneOf(owner, 'mlp', raw.mlp ?? 'standard', ['standard', 'gated'] as const),
    qkvBias: boolean(owner, 'qkvBias', raw.qkvBias ?? false),
    outputBias: boolean(owner, 'outputBias', raw.outputBias ?? false),
    mlpBias: boolean(owner, 'mlpBias', raw.mlpBias ?? false),
    norm: oneOf(owner, 'norm', raw.norm ?? 'rmsnorm', ['rmsnorm', 'layernorm'] as const),
    normsPerLayer: oneOf(owner, 'normsPerLayer', raw.normsPerLayer ?? 2, [1, 2, 4] as const),
    finalNorm: boolean(owner, 'finalNorm', raw.finalNorm ?? true),
    positionEmbedding,
    maxPositions,
    embeddingNorm: boolean(owner, 'embeddingNorm', raw.embeddingNorm ?? false),
    tokenTypeVocab: nonNegativeInteger(owner, 'tokenTypeVocab', raw.tokenTypeVocab ?? 0),
    pooler: boolean(owner, 'pooler', raw.pooler ?? false),
    tieWordEmbeddings: boolean(owner, 'tieWordEmbeddings', raw.tieWordEmbeddings ?? true),
    lmHeadBias: boolean(owner, 'lmHeadBias', raw.lmHeadBias ?? false),
    lmHeadProjection: oneOf(owner, 'lmHeadProjection', raw.lmHeadProjection ?? 'none', [
      'none',
      'dense',
      'dense-bias',
    ] as const),
    lmHeadProjectionNorm: boolean(owner, 'lmHeadProjectionNorm', raw.lmHeadProjectionNorm ?? false),
  };
}
