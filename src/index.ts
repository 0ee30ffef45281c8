/**
 * tiedformer: transformer building blocks for TensorFlow.js built around tied input/output
 * embeddings. The analysis functions are also available without TensorFlow.js from
 * `tiedformer/analysis`.
 *
 * @module tiedformer
 */
export * from './analysis/index.js';
