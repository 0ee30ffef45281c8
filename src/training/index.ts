export { type FitSparseArgs, fitSparse } from './fit-sparse.js';
export { perplexity } from './perplexity.js';
export { sparseCategoricalCrossentropyFromLogits } from './sparse-categorical-crossentropy-from-logits.js';
