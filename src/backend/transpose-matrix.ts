import * as tf from '@tensorflow/tfjs';
import { transpose2d } from './transpose-2d.js';
import { ensureWasmKernel, type WasmHeapBackend } from './wasm-heap.js';

const KERNEL_NAME = 'TiedformerTransposeMatrix';

/** Blocked transpose of a 2-D tensor, reading and writing the wasm heap directly. */
function transposeOnHeap(
  inputs: tf.NamedTensorInfoMap,
  _attrs: tf.NamedAttrMap,
  wasm: WasmHeapBackend,
) {
  const x = inputs.x as tf.TensorInfo;
  const [rows, cols] = x.shape as [number, number];
  const out = wasm.makeOutput([cols, rows], x.dtype);
  // Views are taken after the allocation: a growing wasm heap detaches older views.
  const source = wasm.typedArrayFromHeap(x) as Float32Array | Int32Array;
  transpose2d(source, rows, cols, wasm.typedArrayFromHeap(out) as typeof source);
  return out;
}

/**
 * `xᵀ` for a 2-D tensor, without a gradient (callers use it inside their own custom gradients).
 *
 * On wasm a blocked copy straight on the heap ({@link transpose2d}): tfjs-wasm's `Transpose`
 * walks the output with strided reads, ~4× slower for the `[tokens, vocab]` and `[d, vocab]`
 * matrices of a tied head (30 ms against 7 ms for `[512, 8192]`, Node 20, this machine).
 *
 * @param x - `[rows, cols]`.
 * @returns `[cols, rows]`; the caller owns it.
 * @internal Used by the wasm matmul path; not part of the public API.
 */
export function transposeMatrix(x: tf.Tensor): tf.Tensor {
  if (x.rank === 2 && x.dtype !== 'bool' && ensureWasmKernel(KERNEL_NAME, transposeOnHeap)) {
    return tf.engine().runKernel(KERNEL_NAME, { x }, {}) as tf.Tensor;
  }
  return tf.transpose(x);
}
