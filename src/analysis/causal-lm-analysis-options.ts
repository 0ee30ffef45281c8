import { ANALYSIS_ACTIVATIONS, type AnalysisActivation } from './activation-moments.js';
import { CAUSAL_LM_OPTION_NAMES } from './causal-lm-option-names.js';
import type { HeadKind } from './initial-loss.js';
import { recommendedTiedStd } from './recommended-tied-std.js';
import { resolveAttentionHeads } from './resolve-attention-heads.js';
import type { ShuffleSpec } from './shuffle-permutation.js';
import {
  boolean,
  fail,
  knownKeys,
  oneOf,
  options,
  positiveInteger,
  positiveNumber,
} from './validation.js';

/**
 * The options of `createCausalLM` (the `CausalLMOptions` of the root entry), as a plain type
 * of the tfjs-free analysis module: pass the very object you build a model from to
 * {@link estimateCausalLMInitialLoss} or {@link residualStreamVariance}. Every field means what
 * it means for `createCausalLM`, with the same default; fields that do not change the loss at
 * init (`seed`, `name`, `seqLen`, `dropout`, biases, which start at zero) are accepted and
 * ignored.
 *
 * @example
 * ```ts
 * import type { CausalLMAnalysisOptions } from 'tiedformer/analysis';
 * const gpt2Like: CausalLMAnalysisOptions = {
 *   vocabSize: 50257, hiddenSize: 768, numLayers: 12, numHeads: 12, intermediateSize: 3072,
 *   head: 'tied', activation: 'gelu_tanh', norm: 'layernorm', normEpsilon: 1e-5,
 *   positionEmbedding: 'learned', maxPositions: 1024, useBias: true,
 * };
 * ```
 */
export interface CausalLMAnalysisOptions {
  /** Vocabulary size `n`. */
  vocabSize: number;
  /** Hidden size `d`. */
  hiddenSize: number;
  /** Number of transformer blocks `L`. */
  numLayers: number;
  /** Query heads per block `H`. */
  numHeads: number;
  /** Key/value heads per block (grouped-query attention). Default `numHeads`. */
  numKeyValueHeads?: number;
  /** FFN inner width `f`. */
  intermediateSize: number;
  /** FFN activation. Default `'gelu'`. */
  activation?: AnalysisActivation;
  /** Output head. */
  head: HeadKind;
  /** Permutation of the shuffled head. Default `'swap-halves'`. */
  shuffle?: ShuffleSpec;
  /** Std `σ` of the embedding init (and of an untied head's matrix), or `'recommended'` for `ln(n)/d`. Default `0.02`. */
  embeddingStd?: number | 'recommended';
  /** Std `s` of the trunk's matrices (attention, FFN). Default `0.02`. */
  initStd?: number;
  /** Init of the residual branches' output projections: `'normal'` (`s`), `'scaled'` (`s/√(2L)`), `'zero'`. Default `'scaled'`. */
  residualInit?: 'normal' | 'scaled' | 'zero';
  /** Rotary position embedding (`false` ≡ `positionEmbedding: 'none'`). Default `true`. */
  rotary?: boolean;
  /** Fixed input length of the model, or `null`. Does not change the estimate. */
  seqLen?: number | null;
  /** Biases on every projection (zero at init). Default `false`. */
  useBias?: boolean;
  /** Dropout in the blocks (inactive when measuring). Default `0`. */
  dropout?: number;
  /** Logit bias on tied and untied heads (zero at init). Default `false`. */
  headBias?: boolean;
  /** Soft cap `c` of the tied head's logits, `c·tanh(z/c)`. Default: none. */
  logitSoftCap?: number;
  /** Seed of the initializers. Does not change the estimate. */
  seed?: number;
  /** Model name. Ignored. */
  name?: string;
  /** Norm of every block and of the final norm. Default `'rmsnorm'`. */
  norm?: 'rmsnorm' | 'layernorm';
  /** Epsilon `ε` of every norm. Default `1e-6`. */
  normEpsilon?: number;
  /** Gemma's RMSNorm `x̂·(1 + w)`, `w = 0` at init (the same as a unit gain at init). Default `false`. */
  normUnitOffset?: boolean;
  /** Position encoding. Default `'rotary'` (or as `rotary` says). */
  positionEmbedding?: 'rotary' | 'learned' | 'none';
  /** Rows of the learned position table (required with `'learned'`). */
  maxPositions?: number;
  /** Init std `π` of the learned position table. Default `initStd`. */
  positionStd?: number;
  /** RoPE base (rotations keep norms: no effect at init). Default `10000`. */
  rotaryBase?: number;
  /** Per-head size. Default `hiddenSize / numHeads`. */
  headDim?: number;
  /** Multiplier `e` of the looked-up rows (Gemma: `√d`); the tied head uses `E` unscaled. Default `1`. */
  embeddingScale?: number;
  /** Biases on q, k, v (zero at init). Default `useBias`. */
  qkvBias?: boolean;
  /** Bias on the attention output (zero at init). Default `useBias`. */
  outputBias?: boolean;
  /** Biases in the FFN (zero at init). Default `useBias`. */
  mlpBias?: boolean;
}

/** {@link CausalLMAnalysisOptions} validated, with defaults filled in. @internal */
export interface ResolvedCausalLMAnalysisOptions {
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  numKeyValueHeads: number;
  headDim: number;
  intermediateSize: number;
  activation: AnalysisActivation;
  head: HeadKind;
  shuffle: ShuffleSpec | undefined;
  embeddingStd: number;
  initStd: number;
  residualInit: 'normal' | 'scaled' | 'zero';
  norm: 'rmsnorm' | 'layernorm';
  normEpsilon: number;
  positionEmbedding: 'rotary' | 'learned' | 'none';
  maxPositions: number | undefined;
  positionStd: number;
  embeddingScale: number;
  logitSoftCap: number | undefined;
}

/**
 * Validates model options for the analysis, with `createCausalLM`'s defaults.
 * @internal
 */
export function resolveCausalLMAnalysisOptions(
  owner: string,
  value: CausalLMAnalysisOptions,
): ResolvedCausalLMAnalysisOptions {
  const raw = options(owner, value);
  knownKeys(owner, raw, CAUSAL_LM_OPTION_NAMES);
  const vocabSize = positiveInteger(owner, 'vocabSize', raw.vocabSize);
  if (vocabSize < 2) fail(owner, `vocabSize must be ≥ 2, got ${vocabSize}`);
  const hiddenSize = positiveInteger(owner, 'hiddenSize', raw.hiddenSize);
  if (hiddenSize < 2) fail(owner, `hiddenSize must be ≥ 2, got ${hiddenSize}`);
  const numLayers = positiveInteger(owner, 'numLayers', raw.numLayers);
  const { numHeads, numKeyValueHeads, headDim } = resolveAttentionHeads(owner, hiddenSize, raw);
  const intermediateSize = positiveInteger(owner, 'intermediateSize', raw.intermediateSize);
  const activation = oneOf(owner, 'activation', raw.activation ?? 'gelu', ANALYSIS_ACTIVATIONS);
  const head = oneOf(owner, 'head', raw.head, ['tied', 'untied', 'ortho', 'shuffled'] as const);
  if (raw.shuffle !== undefined && head !== 'shuffled')
    fail(owner, `shuffle only applies to head 'shuffled', got head ${JSON.stringify(head)}`);
  const shuffle = head === 'shuffled' ? ((raw.shuffle ?? 'swap-halves') as ShuffleSpec) : undefined;
  const embeddingStd =
    raw.embeddingStd === 'recommended'
      ? recommendedTiedStd(vocabSize, hiddenSize)
      : positiveNumber(owner, 'embeddingStd', raw.embeddingStd ?? 0.02);
  const initStd = positiveNumber(owner, 'initStd', raw.initStd ?? 0.02);
  const residualInit = oneOf(owner, 'residualInit', raw.residualInit ?? 'scaled', [
    'normal',
    'scaled',
    'zero',
  ] as const);
  const norm = oneOf(owner, 'norm', raw.norm ?? 'rmsnorm', ['rmsnorm', 'layernorm'] as const);
  const normEpsilon = positiveNumber(owner, 'normEpsilon', raw.normEpsilon ?? 1e-6);
  if (raw.normUnitOffset !== undefined) boolean(owner, 'normUnitOffset', raw.normUnitOffset);
  for (const key of ['useBias', 'headBias', 'qkvBias', 'outputBias', 'mlpBias', 'rotary'] as const)
    if (raw[key] !== undefined) boolean(owner, key, raw[key]);
  const fromRotary = raw.rotary === undefined ? undefined : raw.rotary ? 'rotary' : 'none';
  const positionEmbedding = oneOf(
    owner,
    'positionEmbedding',
    raw.positionEmbedding ?? fromRotary ?? 'rotary',
    ['rotary', 'learned', 'none'] as const,
  );
  if (fromRotary !== undefined && raw.positionEmbedding !== undefined) {
    if ((positionEmbedding === 'rotary') !== (raw.rotary === true))
      fail(
        owner,
        `rotary ${String(raw.rotary)} contradicts positionEmbedding ${JSON.stringify(positionEmbedding)}`,
      );
  }
  let maxPositions: number | undefined;
  if (positionEmbedding === 'learned')
    maxPositions = positiveInteger(owner, 'maxPositions', raw.maxPositions);
  else if (raw.maxPositions !== undefined)
    fail(owner, `maxPositions only applies to positionEmbedding 'learned'`);
  const positionStd =
    raw.positionStd === undefined ? initStd : positiveNumber(owner, 'positionStd', raw.positionStd);
  if (raw.rotaryBase !== undefined) positiveNumber(owner, 'rotaryBase', raw.rotaryBase);
  const embeddingScale =
    raw.embeddingScale === undefined
      ? 1
      : positiveNumber(owner, 'embeddingScale', raw.embeddingScale);
  let logitSoftCap: number | undefined;
  if (raw.logitSoftCap !== undefined) {
    if (head !== 'tied')
      fail(owner, `logitSoftCap only applies to head 'tied', got head ${JSON.stringify(head)}`);
    logitSoftCap = positiveNumber(owner, 'logitSoftCap', raw.logitSoftCap);
  }
  return {
    vocabSize,
    hiddenSize,
    numLayers,
    numHeads,
    numKeyValueHeads,
    headDim,
    intermediateSize,
    activation,
    head,
    shuffle,
    embeddingStd,
    initStd,
    residualInit,
    norm,
    normEpsilon,
    positionEmbedding,
    maxPositions,
    positionStd,
    embeddingScale,
    logitSoftCap,
  };
}
