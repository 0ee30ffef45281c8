/**
 * tiedformer: transformer building blocks for TensorFlow.js built around tied input/output
 * embeddings. The analysis functions are also available without TensorFlow.js from
 * `tiedformer/analysis`.
 *
 * @module tiedformer
 */
export * from './analysis/index.js';
export * from './backend/index.js';
export * from './diagnostics/index.js';
export * from './generation/index.js';
export * from './heads/index.js';
export * from './init/index.js';
export * from './interop/index.js';
export * from './layers/index.js';
export * from './models/index.js';
export * from './training/index.js';
