/**
 * Pure analysis of tied-embedding transformers: parameter counts and shares, presets of
 * well-known models, the initial-loss estimate of each head design, and training FLOPs.
 * Imports no TensorFlow.js, so it loads instantly in a notebook:
 * `import { embeddingShare } from 'tiedformer/analysis'`.
 *
 * @module analysis
 */

export type { AnalysisActivation } from './activation-moments.js';
export type { CausalLMAnalysisOptions } from './causal-lm-analysis-options.js';
export { countParams, type ParamCount } from './count-params.js';
export { embeddingParams, embeddingShare } from './embedding-share.js';
export {
  type CausalLMInitialLoss,
  estimateCausalLMInitialLoss,
} from './estimate-causal-lm-initial-loss.js';
export {
  estimateInitialLoss,
  type HeadKind,
  type InitialLossEstimate,
  type InitialLossOptions,
  uniformLoss,
} from './initial-loss.js';
export { type HeadChoice, initialLossByHead } from './initial-loss-by-head.js';
export { type ModelConfig, type ResolvedModelConfig, resolveModelConfig } from './model-config.js';
export {
  type MonteCarloEstimate,
  type MonteCarloOptions,
  monteCarloInitialLoss,
} from './monte-carlo-initial-loss.js';
export { type ModelPreset, type PresetName, presets } from './presets.js';
export { recommendedTiedStd } from './recommended-tied-std.js';
export { type ResidualStream, residualStreamVariance } from './residual-stream-variance.js';
export {
  type ShufflePermutation,
  type ShuffleSpec,
  shufflePermutation,
} from './shuffle-permutation.js';
export { type TrainingFlopsOptions, trainingFlops } from './training-flops.js';
