import type { ModelConfig } from '../analysis/model-config.js';
import type { ShuffleSpec } from '../analysis/shuffle-permutation.js';
import type { FFNActivation } from '../layers/ffn.js';
import type { ResidualInit } from '../layers/transformer-block.js';

/**
 * Options of {@link createCausalLM}.
 *
 * @example
 * ```ts
 * import type { CausalLMOptions } from 'tiedformer';
 * const opts: CausalLMOptions = {
 *   vocabSize: 8192, hiddenSize: 256, numLayers: 4, numHeads: 4, intermediateSize: 1024,
 *   head: 'shuffled',
 * };
 * ```
 */
export interface CausalLMOptions {
  /** Vocabulary size `n`. */
  vocabSize: number;
  /** Hidden size `d`. */
  hiddenSize: number;
  /** Number of transformer blocks `L`. */
  numLayers: number;
  /** Query heads per block. */
  numHeads: number;
  /** Key/value heads per block (grouped-query attention). Default `numHeads`. */
  numKeyValueHeads?: number;
  /** FFN inner width. */
  intermediateSize: number;
  /** FFN activation. Default `'gelu'`. */
  activation?: FFNActivation;
  /** Output head: `'tied'` (h·Eᵀ), `'shuffled'`, `'ortho'` (orthogonal projection, then Eᵀ) or `'untied'`. */
  head: 'tied' | 'shuffled' | 'ortho' | 'untied';
  /** Permutation of the shuffled head. Default `'swap-halves'`. */
  shuffle?: ShuffleSpec;
  /** Std of the embedding init (and of an untied head's matrix, drawn like `E`), or `'recommended'` for `ln(n)/d`. Default `0.02`. */
  embeddingStd?: number | 'recommended';
  /** Std of the trunk's matrices (attention, FFN). Default `0.02`. */
  initStd?: number;
  /** Init of the residual branches' output projections. Default `'scaled'` (GPT-2's σ/√(2L)). */
  residualInit?: ResidualInit;
  /** Rotary position embedding. Default `true`. */
  rotary?: boolean;
  /** Fixed sequence length of the input, or `null` for any. Default `null`. */
  seqLen?: number | null;
  /** Biases on every projection. Default `false`. */
  useBias?: boolean;
  /** Dropout in the blocks. Default `0`. */
  dropout?: number;
  /** Logit bias on tied and untied heads. Default `false`. */
  headBias?: boolean;
  /** Soft cap of the tied head's logits (`'tied'` only). Default: none. */
  logitSoftCap?: number;
  /** Seed of every initializer (each matrix gets a derived seed). Unseeded if omitted. */
  seed?: number;
  /** Model name. Default `'causal_lm'`. */
  name?: string;
}

/**
 * The {@link ModelConfig} of the model {@link createCausalLM} builds, for the analysis
 * functions: `countParams(causalLMConfig(opts)).total === createCausalLM(opts).countParams()`.
 *
 * @param opts - The model options.
 * @returns The architecture as the analysis module describes it.
 * @example
 * ```ts
 * import { causalLMConfig, countParams } from 'tiedformer';
 * const opts = { vocabSize: 8192, hiddenSize: 256, numLayers: 4, numHeads: 4, intermediateSize: 1024, head: 'ortho' as const };
 * countParams(causalLMConfig(opts)).total; // includes the 256×256 projection
 * ```
 */
export function causalLMConfig(opts: CausalLMOptions): ModelConfig {
  const gated = opts.activation === 'swiglu' || opts.activation === 'geglu';
  const useBias = opts.useBias ?? false;
  return {
    vocabSize: opts.vocabSize,
    hiddenSize: opts.hiddenSize,
    numLayers: opts.numLayers,
    numHeads: opts.numHeads,
    ...(opts.numKeyValueHeads === undefined ? {} : { numKeyValueHeads: opts.numKeyValueHeads }),
    intermediateSize: opts.intermediateSize,
    mlp: gated ? 'gated' : 'standard',
    qkvBias: useBias,
    outputBias: useBias,
    mlpBias: useBias,
    norm: 'rmsnorm',
    normsPerLayer: 2,
    finalNorm: true,
    positionEmbedding: (opts.rotary ?? true) ? 'rotary' : 'none',
    tieWordEmbeddings: opts.head !== 'untied',
    lmHeadBias: (opts.headBias ?? false) && (opts.head === 'tied' || opts.head === 'untied'),
    lmHeadProjection: opts.head === 'ortho' ? 'dense' : 'none',
  };
}
