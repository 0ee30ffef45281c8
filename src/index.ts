/**
 * tiedformer: transformer building blocks for TensorFlow.js built around tied input/output
 * embeddings. The analysis functions (parameter counts, initial-loss estimates, presets) live in
 * `tiedformer/analysis`, which needs no TensorFlow.js; Hugging Face, safetensors and tokenizer
 * interop in `tiedformer/interop`; file-system helpers in `tiedformer/node`.
 *
 * @module tiedformer
 */

// Types of the root's own signatures (CausalLMOptions extends ModelConfig; ShuffledTiedHead takes
// a ShuffleSpec), so model code needs no second import. Types only: they add no bytes.
export type { ModelConfig } from './analysis/model-config.js';
export type { ShuffleSpec } from './analysis/shuffle-permutation.js';
export * from './backend/index.js';
export * from './diagnostics/index.js';
export * from './generation/index.js';
export * from './heads/index.js';
export * from './init/index.js';
export * from './layers/index.js';
export * from './models/index.js';
export * from './training/index.js';
