import type { ModelConfig } from '../analysis/model-config.js';
import type { ShuffleSpec } from '../analysis/shuffle-permutation.js';
import { fail, oneOf } from '../analysis/validation.js';
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
  /** Per-head size. Default `hiddenSize / numHeads`. */
  headDim?: number;
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
  /** Rotary position embedding. Default `true`. Kept for compatibility: `rotary: false` ≡ `positionEmbedding: 'none'`. */
  rotary?: boolean;
  /**
   * Position encoding: `'rotary'` (RoPE in every attention), `'learned'` (a table added to the
   * token embeddings, GPT-2) or `'none'`. Default `'rotary'`; giving `rotary` inconsistently is
   * an error.
   */
  positionEmbedding?: 'rotary' | 'learned' | 'none';
  /** Rows of the learned position table (required with `positionEmbedding: 'learned'`). */
  maxPositions?: number;
  /** Init std of the learned position table. Default `initStd`. */
  positionStd?: number;
  /** RoPE base θ. Default `10000`. */
  rotaryBase?: number;
  /** Norm of the blocks and the final norm: `'rmsnorm'` or `'layernorm'` (gain and bias). Default `'rmsnorm'`. */
  norm?: 'rmsnorm' | 'layernorm';
  /** Epsilon of every norm (blocks and final). Default `1e-6`. */
  normEpsilon?: number;
  /** Gemma's RMSNorm `x̂·(1 + w)` (weights stored as `w`, init 0). Default `false`. */
  normUnitOffset?: boolean;
  /** Multiplier of the looked-up embedding rows (Gemma: √d as bf16 rounds it). The tied head uses `E` unscaled. Default `1`. */
  embeddingScale?: number;
  /** Fixed sequence length of the input, or `null` for any. Default `null`. */
  seqLen?: number | null;
  /** Biases on every projection (the default of the three below). Default `false`. */
  useBias?: boolean;
  /** Biases on the q, k, v projections (Qwen2). Default `useBias`. */
  qkvBias?: boolean;
  /** Bias on the attention output projection. Default `useBias`. */
  outputBias?: boolean;
  /** Biases on the FFN matrices. Default `useBias`. */
  mlpBias?: boolean;
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
 * import { causalLMConfig } from 'tiedformer';
 * import { countParams } from 'tiedformer/analysis';
 * const opts = { vocabSize: 8192, hiddenSize: 256, numLayers: 4, numHeads: 4, intermediateSize: 1024, head: 'ortho' as const };
 * countParams(causalLMConfig(opts)).total; // includes the 256×256 projection
 * ```
 */
export function causalLMConfig(opts: CausalLMOptions): ModelConfig {
  const gated =
    opts.activation === 'swiglu' || opts.activation === 'geglu' || opts.activation === 'geglu_tanh';
  const useBias = opts.useBias ?? false;
  const positionEmbedding = resolvePositionEmbedding(opts, 'causalLMConfig');
  return {
    vocabSize: opts.vocabSize,
    hiddenSize: opts.hiddenSize,
    numLayers: opts.numLayers,
    numHeads: opts.numHeads,
    ...(opts.numKeyValueHeads === undefined ? {} : { numKeyValueHeads: opts.numKeyValueHeads }),
    ...(opts.headDim === undefined ? {} : { headDim: opts.headDim }),
    intermediateSize: opts.intermediateSize,
    mlp: gated ? 'gated' : 'standard',
    qkvBias: opts.qkvBias ?? useBias,
    outputBias: opts.outputBias ?? useBias,
    mlpBias: opts.mlpBias ?? useBias,
    norm: opts.norm ?? 'rmsnorm',
    normsPerLayer: 2,
    finalNorm: true,
    positionEmbedding,
    ...(opts.maxPositions === undefined ? {} : { maxPositions: opts.maxPositions }),
    tieWordEmbeddings: opts.head !== 'untied',
    lmHeadBias: (opts.headBias ?? false) && (opts.head === 'tied' || opts.head === 'untied'),
    lmHeadProjection: opts.head === 'ortho' ? 'dense' : 'none',
  };
}

/**
 * The position encoding `opts` ask for, reconciling `positionEmbedding` with the older
 * `rotary` flag (`rotary: false` ≡ `'none'`, `rotary: true` ≡ `'rotary'`).
 *
 * @param opts - The model options.
 * @param owner - Prefix of error messages.
 * @returns `'rotary'`, `'learned'` or `'none'`.
 * @throws RangeError when `rotary` contradicts `positionEmbedding`.
 * @internal
 */
export function resolvePositionEmbedding(
  opts: CausalLMOptions,
  owner: string,
): 'rotary' | 'learned' | 'none' {
  const rotary = opts.rotary;
  if (opts.positionEmbedding === undefined) return (rotary ?? true) ? 'rotary' : 'none';
  const kind = oneOf(owner, 'positionEmbedding', opts.positionEmbedding, [
    'rotary',
    'learned',
    'none',
  ] as const);
  if (rotary !== undefined && rotary !== (kind === 'rotary'))
    fail(owner, `rotary: ${String(rotary)} contradicts positionEmbedding '${kind}'`);
  return kind;
}
