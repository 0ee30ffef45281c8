export { gelu, geluTanh } from './activations.js';
export { embeddingLookup } from './embedding-lookup.js';
export { dense, type MatMulMode, matMul, setMatMulMode } from './mat-mul.js';
export { sparseSoftmaxCrossEntropy } from './sparse-cross-entropy.js';
export {
  type BackendName,
  type UseFastestBackendOptions,
  useFastestBackend,
} from './use-fastest-backend.js';
