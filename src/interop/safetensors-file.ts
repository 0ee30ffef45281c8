/**
 * Element types tiedformer reads from a safetensors file: 32-bit floats, IEEE half floats
 * and bfloat16. {@link writeSafetensors} writes `'F32'` or `'BF16'`.
 *
 * @example
 * ```ts
 * import type { SafetensorsDtype } from 'tiedformer/interop';
 * const stored: SafetensorsDtype = 'BF16';
 * ```
 */
export type SafetensorsDtype = 'F32' | 'F16' | 'BF16';

/**
 * One tensor of a safetensors file, decoded to 32-bit floats: `data` holds the
 * `shape.reduce((a, b) => a * b, 1)` elements in row-major (C) order; `dtype` says how they
 * were stored in the file.
 *
 * @example
 * ```ts
 * import type { SafetensorsTensor } from 'tiedformer/interop';
 * const bias: SafetensorsTensor = { dtype: 'F32', shape: [3], data: new Float32Array(3) };
 * ```
 */
export interface SafetensorsTensor {
  /** Element type in the file (the data is always decoded to float32). */
  dtype: SafetensorsDtype;
  /** Dimensions, outermost first; `[]` is a scalar (one element). */
  shape: number[];
  /** The elements, row-major. */
  data: Float32Array;
}

/**
 * A parsed safetensors file: its tensors by name (in the order their bytes appear in the
 * file) and the string-to-string `__metadata__` of its header (`{}` when it has none).
 *
 * @example
 * ```ts
 * import { readSafetensors, writeSafetensors, type SafetensorsFile } from 'tiedformer/interop';
 * const file: SafetensorsFile = readSafetensors(
 *   writeSafetensors({ w: { shape: [2], data: new Float32Array([1, 2]) } }),
 * );
 * console.log(file.metadata.format, file.tensors.get('w')?.data); // 'pt' Float32Array [1, 2]
 * ```
 */
export interface SafetensorsFile {
  /** Tensors by name, in file order. */
  tensors: Map<string, SafetensorsTensor>;
  /** The header's `__metadata__` (string → string). */
  metadata: Record<string, string>;
}

/**
 * The largest header the reference implementation (huggingface/safetensors) accepts, in
 * bytes; tiedformer keeps the same limit when reading and writing. @internal
 */
export const MAX_HEADER_BYTES = 100_000_000;

/** Every dtype name of the reference implementation, supported or not. @internal */
export const KNOWN_DTYPES: readonly string[] = [
  'BOOL',
  'F4',
  'F6_E2M3',
  'F6_E3M2',
  'U8',
  'I8',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'F8_E4M3FNUZ',
  'F8_E5M2FNUZ',
  'I16',
  'U16',
  'F16',
  'BF16',
  'I32',
  'U32',
  'F32',
  'F64',
  'C64',
  'I64',
  'U64',
];

/** Bytes per element of the dtypes tiedformer reads. @internal */
export const DTYPE_BYTES: Readonly<Record<SafetensorsDtype, number>> = { F32: 4, F16: 2, BF16: 2 };

/** Typed arrays use the host's byte order; safetensors is little-endian. @internal */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
