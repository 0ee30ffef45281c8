import * as tf from '@tensorflow/tfjs';
import { splitBatch } from './split-batch.js';
import { transposeMatrix } from './transpose-matrix.js';

/**
 * How {@link matMul} issues products: `'auto'` picks per backend (explicit transposes on wasm,
 * native flags elsewhere); `'explicit-transpose'` and `'native'` force one form everywhere
 * (for benchmarks and for backends tiedformer does not know).
 *
 * @example
 * ```ts
 * import type { MatMulMode } from 'tiedformer';
 * const mode: MatMulMode = 'auto';
 * ```
 */
export type MatMulMode = 'auto' | 'explicit-transpose' | 'native';

let mode: MatMulMode = 'auto';

/**
 * Sets how every tiedformer layer issues its matrix products (default `'auto'`). Meant for
 * benchmarks that compare the forms side by side, and for backends where `'auto'` guesses
 * wrong.
 *
 * @param next - The mode to use from now on.
 * @returns The previous mode, to restore it.
 * @throws RangeError on an unknown mode.
 * @example
 * ```ts
 * import { setMatMulMode } from 'tiedformer';
 * const previous = setMatMulMode('native'); // what plain tfjs does
 * // ... time something ...
 * setMatMulMode(previous);
 * ```
 */
export function setMatMulMode(next: MatMulMode): MatMulMode {
  if (next !== 'auto' && next !== 'explicit-transpose' && next !== 'native') {
    throw new RangeError(
      `[setMatMulMode] mode must be 'auto', 'explicit-transpose' or 'native', got ${JSON.stringify(next)}`,
    );
  }
  const previous = mode;
  mode = next;
  return previous;
}

/**
 * Whether matmuls are issued as plain `A·B` with explicit transposes. On wasm, a matmul with a
 * transpose flag falls back from XNNPACK to a scalar loop (~10× slower, see DESIGN.md
 * "Performance facts"); native TensorFlow and the cpu backend handle the flags at full speed.
 */
function prefersExplicitTranspose(): boolean {
  return mode === 'auto' ? tf.getBackend() === 'wasm' : mode === 'explicit-transpose';
}

/** Swaps the last two axes. */
function swapLastTwo(x: tf.Tensor): tf.Tensor {
  const rank = x.rank;
  if (rank === 2) return transposeMatrix(x);
  const perm = [...Array(rank).keys()];
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return tf.transpose(x, perm);
}

/** tfjs types a custom gradient's inputs loosely; each use below states its own signature. */
type CustomGradientFunction = Parameters<typeof tf.customGrad>[0];

/**
 * `a·b` without recording a gradient. Batched operands run as one 2-D product per batch entry
 * on wasm: tfjs-wasm sends every batched product to a scalar loop (XNNPACK only serves a batch
 * of one), about 10× slower than the 2-D products plus the split and concat around them.
 */
function product(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (a.rank === 2 || tf.getBackend() !== 'wasm') {
    return tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D);
  }
  return tf.tidy(() => {
    const [m, k] = a.shape.slice(-2) as [number, number];
    const n = b.shape[b.rank - 1] as number;
    const leftSlices = splitBatch(tf.reshape(a, [-1, m, k])); // each [m, k]
    const rightSlices = splitBatch(tf.reshape(b, [-1, k, n])); // each [k, n]
    const products = leftSlices.map((left, i) =>
      tf.matMul(left as tf.Tensor2D, rightSlices[i] as tf.Tensor2D),
    );
    return tf.reshape(tf.concat(products, 0), [...a.shape.slice(0, -1), n]);
  });
}

/**
 * `op(a)·op(b)` with a custom gradient made of plain products only. Each gradient is formed
 * from the operands as given, so a transposed operand is never transposed back (`(bᵀ)ᵀ` is
 * `b`).
 */
const plainMatMul = (a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean) =>
  tf.customGrad(((x: tf.Tensor, y: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x, y]);
    // A few rows against a transposed matrix (the tied head while decoding, one row per
    // sequence): (b·aᵀ)ᵀ transposes the few rows, not the whole [n, k] matrix, which XNNPACK
    // would also repack at every call (config B's head: ~100 ms → ~3 ms a token under load).
    const fewRows = transposeB && !transposeA && x.rank === 2 && (x.shape[0] as number) <= 16;
    const value = fewRows
      ? swapLastTwo(product(y, swapLastTwo(x)))
      : product(transposeA ? swapLastTwo(x) : x, transposeB ? swapLastTwo(y) : y); // op(a)·op(b)
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ys] = saved as [tf.Tensor, tf.Tensor];
        // d op(a) = dy·op(b)ᵀ, d op(b) = op(a)ᵀ·dy; op(b)ᵀ is `b` itself when transposeB.
        const rightT = () => (transposeB ? ys : swapLastTwo(ys)); // op(b)ᵀ: [n, k]
        const leftT = () => (transposeA ? xs : swapLastTwo(xs)); // op(a)ᵀ: [k, m]
        let dx: tf.Tensor;
        if (!transposeA) {
          dx = product(dy, rightT());
        } else if (dy.size + (transposeB ? ys.size : 0) <= xs.size + (transposeB ? 0 : ys.size)) {
          // da = (dy·op(b)ᵀ)ᵀ = op(b)·dyᵀ: transposes dy (and b if transposeB) ...
          dx = product(transposeB ? swapLastTwo(ys) : ys, swapLastTwo(dy));
        } else {
          // ... or the result [k, m] (and b unless transposeB), whichever moves fewer elements.
          dx = swapLastTwo(product(dy, rightT()));
        }
        // db = (op(a)ᵀ·dy)ᵀ = dyᵀ·op(a) when transposeB: XNNPACK packs the right operand, and
        // op(a) [m, k] is smaller than dy [m, n] wherever b is the tied head's E or attention's
        // keys (tied head, config B: 1.63 -> 1.59 s a step against packing dy and transposing
        // the product back).
        const dw = transposeB
          ? product(swapLastTwo(dy), transposeA ? swapLastTwo(xs) : xs)
          : product(leftT(), dy);
        return [dx, dw];
      },
    };
  }) as CustomGradientFunction)(a, b);

/**
 * Matrix product `op(a)·op(b)` that takes the fastest form on the active backend, forward
 * and backward. On wasm it transposes explicitly and issues plain 2-D products, one per batch
 * entry for batched operands (with a custom gradient that does the same), so XNNPACK runs every
 * matmul of a training step; on other backends it is `tf.matMul` with its transpose flags.
 * Operands of rank 3 or 4 are batched (equal leading dimensions).
 *
 * @param a - `[m, k]` (or `[k, m]` if `transposeA`), optionally with a batch axis in front.
 * @param b - `[k, n]` (or `[n, k]` if `transposeB`), same batch as `a`.
 * @param transposeA - Use `aᵀ`. Default `false`.
 * @param transposeB - Use `bᵀ`. Default `false`.
 * @returns `[m, n]` (with the batch axis if any).
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { matMul } from 'tiedformer';
 * const h = tf.randomNormal([4, 8]);
 * const table = tf.randomNormal([100, 8]);
 * const logits = matMul(h, table, false, true); // [4, 100] = h·tableᵀ
 * ```
 */
export function matMul(
  a: tf.Tensor,
  b: tf.Tensor,
  transposeA = false,
  transposeB = false,
): tf.Tensor {
  if (!prefersExplicitTranspose()) {
    return tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, transposeA, transposeB);
  }
  return plainMatMul(a, b, transposeA, transposeB);
}

/**
 * Applies a weight matrix to the last axis: `x·W` for `x` of shape `[..., inFeatures]` and
 * `W` of shape `[inFeatures, outFeatures]` (or `Wᵀ` with `transposeKernel`, `W` then being
 * `[outFeatures, inFeatures]`). Leading axes are folded into one 2-D product, the form every
 * backend runs fastest (a batched matmul on wasm is a scalar loop).
 *
 * @param x - `[..., inFeatures]`.
 * @param kernel - `[inFeatures, outFeatures]`, or `[outFeatures, inFeatures]` with `transposeKernel`.
 * @param transposeKernel - Multiply by `kernelᵀ`. Default `false`.
 * @returns `[..., outFeatures]`.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { dense } from 'tiedformer';
 * const x = tf.randomNormal([2, 5, 16]); // [batch, seq, d]
 * const w = tf.randomNormal([16, 64]);
 * dense(x, w).shape; // [2, 5, 64]
 * ```
 */
export function dense(x: tf.Tensor, kernel: tf.Tensor, transposeKernel = false): tf.Tensor {
  return tf.tidy(() => {
    const inFeatures = x.shape[x.rank - 1] as number;
    const outFeatures = kernel.shape[transposeKernel ? 0 : 1] as number;
    const flat = x.rank === 2 ? x : tf.reshape(x, [-1, inFeatures]);
    const product = matMul(flat, kernel, false, transposeKernel);
    return x.rank === 2 ? product : tf.reshape(product, [...x.shape.slice(0, -1), outFeatures]);
  });
}
