import { fail } from '../analysis/validation.js';
import { checkSafetensorsShape } from './check-safetensors-shape.js';
import { float32ToBfloat16 } from './half-precision.js';
import { HOST_IS_LITTLE_ENDIAN } from './safetensors-file.js';
import { safetensorsLayout } from './safetensors-layout.js';

const OWNER = 'writeSafetensors';

/**
 * Options of {@link writeSafetensors}.
 *
 * @example
 * ```ts
 * import type { WriteSafetensorsOptions } from 'tiedformer/interop';
 * const options: WriteSafetensorsOptions = { dtype: 'BF16', metadata: { format: 'pt' } };
 * ```
 */
export interface WriteSafetensorsOptions {
  /** Element type of every tensor in the file: `'F32'` (exact) or `'BF16'` (round-to-nearest-even). Default `'F32'`. */
  dtype?: 'F32' | 'BF16';
  /**
   * The header's `__metadata__` (string → string). Default `{ format: 'pt' }`, which Hugging
   * Face `transformers` expects; pass `{}` to write no `__metadata__` at all.
   */
  metadata?: Record<string, string>;
}

/**
 * A tensor for {@link writeSafetensors}: its shape and its float32 elements in row-major
 * order (`data.length` must equal the product of `shape`).
 *
 * @example
 * ```ts
 * import type { SafetensorsTensorInput } from 'tiedformer/interop';
 * const weight: SafetensorsTensorInput = { shape: [2, 2], data: new Float32Array([1, 0, 0, 1]) };
 * ```
 */
export interface SafetensorsTensorInput {
  /** Dimensions, outermost first; `[]` is a scalar. */
  shape: readonly number[];
  /** The elements, row-major. */
  data: Float32Array;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Float32Array) return `Float32Array(${value.length})`;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return value.constructor?.name ?? 'object';
  }
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Serialises float32 tensors to the bytes of a safetensors file, the format of Hugging Face
 * checkpoints. Platform-neutral: write the result with `fs.writeFile`, a `Blob`, ...
 *
 * The header lists the tensors sorted by name (as the reference implementation does, which
 * makes the output deterministic) with their data laid out in the same order, and is
 * padded with spaces to a multiple of 8 bytes so every tensor's data is aligned. With
 * `dtype: 'BF16'` each value is rounded to bfloat16 to nearest, ties to even (as PyTorch's
 * `.to(torch.bfloat16)`); NaN stays NaN.
 *
 * @param tensors - Tensors by name, as a `Map` or a plain object.
 * @param options - Element type and header metadata.
 * @returns The file's bytes.
 * @throws RangeError naming the tensor for a shape whose size differs from `data.length`,
 *   data that is not a `Float32Array`, the reserved name `__metadata__`, non-string
 *   metadata, or a header over the reference implementation's 100,000,000-byte limit.
 * @example
 * ```ts
 * import { writeSafetensors } from 'tiedformer/interop';
 * const bytes = writeSafetensors(
 *   { 'model.embed_tokens.weight': { shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) } },
 *   { dtype: 'BF16' },
 * );
 * // await fs.promises.writeFile('model.safetensors', bytes);
 * ```
 */
export function writeSafetensors(
  tensors: Map<string, SafetensorsTensorInput> | Record<string, SafetensorsTensorInput>,
  options: WriteSafetensorsOptions = {},
): Uint8Array {
  if (typeof tensors !== 'object' || tensors === null || Array.isArray(tensors)) {
    fail(OWNER, `tensors must be a Map or an object of {shape, data}, got ${show(tensors)}`);
  }
  if (typeof options !== 'object' || options === null) {
    fail(OWNER, `options must be an object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'dtype' && key !== 'metadata') {
      fail(OWNER, `unknown option ${show(key)}; known: dtype, metadata`);
    }
  }
  const dtype = options.dtype ?? 'F32';
  if (dtype !== 'F32' && dtype !== 'BF16') {
    fail(OWNER, `dtype must be "F32" or "BF16", got ${show(dtype)}`);
  }
  const metadata = options.metadata ?? { format: 'pt' };
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    fail(OWNER, `metadata must be an object of strings, got ${show(metadata)}`);
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') {
      fail(OWNER, `metadata values must be strings, got ${show(key)}: ${show(value)}`);
    }
  }
  if (!HOST_IS_LITTLE_ENDIAN) fail(OWNER, 'big-endian hosts are not supported');

  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  // Sort by name like the reference implementation (one dtype per file, so only names count).
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, tensor] of entries) {
    if (typeof name !== 'string') fail(OWNER, `tensor names must be strings, got ${show(name)}`);
    if (name === '__metadata__') fail(OWNER, 'the tensor name "__metadata__" is reserved');
    if (typeof tensor !== 'object' || tensor === null) {
      fail(OWNER, `tensor ${show(name)} must be {shape, data}, got ${show(tensor)}`);
    }
    const { shape, data } = tensor;
    checkSafetensorsShape(OWNER, name, shape, show);
    if (!(data instanceof Float32Array)) {
      fail(OWNER, `tensor ${show(name)}: data must be a Float32Array, got ${show(data)}`);
    }
    const elements = shape.reduce((a, b) => a * b, 1);
    if (elements !== data.length) {
      fail(
        OWNER,
        `tensor ${show(name)}: shape ${show(shape)} holds ${elements} elements but data has ${data.length}`,
      );
    }
  }
  const layout = safetensorsLayout(
    OWNER,
    entries.map(([name, { shape, data }]) => ({ name, shape, data })),
    dtype,
    metadata,
    show,
  );
  const size = layout.head.length + layout.dataBytes;
  let out: Uint8Array;
  try {
    out = new Uint8Array(size);
  } catch (error) {
    const gib = (size / 2 ** 30).toFixed(2);
    fail(
      OWNER,
      `cannot allocate ${size} bytes (${gib} GiB) for the file (${(error as Error).message}): split the tensors over several files (shards)`,
    );
  }
  out.set(layout.head);
  // Header and every tensor size are multiples of the element size: the views are aligned.
  const start = layout.head.length;
  for (const { entry, elements, begin } of layout.entries) {
    if (dtype === 'F32') new Float32Array(out.buffer, start + begin, elements).set(entry.data);
    else float32ToBfloat16(entry.data, new Uint16Array(out.buffer, start + begin, elements));
  }
  return out;
}
