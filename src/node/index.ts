/**
 * Node-only helpers of tiedformer (subpath `tiedformer/node`): everything that touches Node's
 * APIs (`fs`, `path`, worker threads) lives here, so the root entry and `tiedformer/analysis`
 * bundle for browsers without configuration.
 *
 * @module tiedformer/node
 */

export { type DataParallelOptions, DataParallelTrainer } from './data-parallel-trainer.js';
export { fileSystem, registerFileSystemRouter } from './file-system.js';
export { loadHuggingFace } from './load-hugging-face.js';
export { loadTokenizer } from './load-tokenizer.js';
export { saveHuggingFace } from './save-hugging-face.js';
