import { fail } from '../analysis/validation.js';

/** Largest wasm32 heap tfjs-backend-wasm 4.22 can grow to (its `getHeapMax()`): 4 GiB − 64 KiB. */
const WASM_HEAP_MAX = 4_294_901_760;
/** Room left for activations and temporaries once the weights are in the heap. */
const WASM_HEADROOM = 512 * 2 ** 20;

/**
 * On the wasm backend, refuses a model whose float32 weights cannot fit the wasm32 heap (with
 * 512 MiB left for activations), before anything is allocated: past that point tfjs fails
 * with an out-of-memory abort deep inside a kernel. Other backends pass.
 * @internal
 */
export function checkWasmHeap(owner: string, params: number, backend: string): void {
  if (backend !== 'wasm') return;
  const bytes = 4 * params;
  if (bytes > WASM_HEAP_MAX - WASM_HEADROOM)
    fail(
      owner,
      `the model has ${params} parameters (${(bytes / 2 ** 30).toFixed(2)} GiB as float32): more than the wasm backend's 4 GiB heap holds with ${WASM_HEADROOM / 2 ** 20} MiB left for activations; use the cpu, webgl or webgpu backend (or tfjs-node)`,
    );
}
