import * as tf from '@tensorflow/tfjs';

/**
 * What tiedformer's wasm kernels need of tfjs-wasm's backend object (public methods of
 * `BackendWasm`), typed here so that tiedformer does not import the optional wasm package.
 *
 * @internal Backend plumbing, not part of the public API.
 */
export interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

function isWasmHeapBackend(backend: unknown): backend is WasmHeapBackend {
  const candidate = backend as Partial<WasmHeapBackend> | null;
  return (
    typeof candidate?.makeOutput === 'function' &&
    typeof candidate.typedArrayFromHeap === 'function'
  );
}

const registered = new Map<string, boolean>();

/**
 * Registers a kernel on the wasm backend once, for kernels that read and write the wasm heap
 * directly. Returns false (and registers nothing) when wasm is not the active backend, or not
 * one whose heap tiedformer knows how to reach; callers then use plain tfjs ops.
 *
 * @param kernelName - A tiedformer-prefixed kernel name.
 * @param kernel - Receives the input tensor infos, the attributes and the backend.
 * @returns Whether the kernel can be run with `tf.engine().runKernel`.
 * @internal Backend plumbing, not part of the public API.
 */
export function ensureWasmKernel(
  kernelName: string,
  kernel: (
    inputs: tf.NamedTensorInfoMap,
    attrs: tf.NamedAttrMap,
    backend: WasmHeapBackend,
  ) => tf.TensorInfo | tf.TensorInfo[],
): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  const known = registered.get(kernelName);
  if (known !== undefined) return known;
  const available = isWasmHeapBackend(tf.findBackend('wasm'));
  if (available) {
    tf.registerKernel({
      kernelName,
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs, backend }) =>
        kernel(inputs, attrs ?? {}, backend as unknown as WasmHeapBackend),
    });
  }
  registered.set(kernelName, available);
  return available;
}
