export { embeddingLookup } from './embedding-lookup.js';
export { dense, type MatMulMode, matMul, setMatMulMode } from './mat-mul.js';
export {
  type BackendName,
  type UseFastestBackendOptions,
  useFastestBackend,
} from './use-fastest-backend.js';
