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
  transpose2d(wasm.typedArrayFromHeap(x), rows, cols, wasm.typedArrayFromHeap(out));
  return out;
}

/**
 * `xᵀ` for a 2-D tensor, without a gradient (callers use it inside their own custom gradients).
 *
 * On wasm a blocked copy straight on the heap ({@link transpose2d}): tfjs-wasm's `Transpose`
 * walks the output with strided reads, 1.8–1.9× slower for the `[tokens, vocab]` and
 * `[vocab, d]` matrices of a tied head (`npm run bench:transpose`, 2026-12-01, Node 20).
 *
 * @param x - `[rows, cols]`.
 * @returns `[cols, rows]`; the caller owns it.
 * @internal Used by the wasm matmul path; not part of the public API.
 */
export function transposeMatrix(x: tf.Tensor): tf.Tensor {
  if (x.rank === 2 && ensureWasmKernel(KERNEL_NAME, transposeOnHeap)) {
    return tf.engine().runKernel(KERNEL_NAME, { x }, {}) as tf.Tensor;
  }
  return tf.transpose(x);
}
