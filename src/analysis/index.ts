/**
 * Pure analysis of tied-embedding transformers: parameter counts and shares, presets of
 * well-known models, the initial-loss estimate of each head design, and training FLOPs.
 * Imports no TensorFlow.js, so it loads instantly in a notebook:
 * `import { embeddingShare } from 'tiedformer/analysis'`.
 *
 * @module analysis
 */
export { countParams, type ParamCount } from './count-params.js';
export { embeddingParams, embeddingShare } from './embedding-share.js';
export {
  estimateInitialLoss,
  type HeadKind,
  type InitialLossEstimate,
  type InitialLossOptions,
  recommendedTiedStd,
  uniformLoss,
} from './initial-loss.js';
export { type ModelConfig, type ResolvedModelConfig, resolveModelConfig } from './model-config.js';
export {
  type MonteCarloEstimate,
  type MonteCarloOptions,
  monteCarloInitialLoss,
} from './monte-carlo-initial-loss.js';
export { type ModelPreset, type PresetName, presets } from './presets.js';
export {
  type ShufflePermutation,
  type ShuffleSpec,
  shufflePermutation,
} from './shuffle-permutation.js';
export { type TrainingFlopsOptions, trainingFlops } from './training-flops.js';
