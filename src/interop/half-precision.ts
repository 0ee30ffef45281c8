/**
 * Conversions between 32-bit floats and the two 16-bit float formats of checkpoints:
 * bfloat16 (1 sign, 8 exponent, 7 mantissa bits: the top half of a float32) and IEEE 754
 * half precision (1, 5, 10). They work on whole typed arrays, never per-element objects, so
 * a 135M-parameter checkpoint converts in a fraction of a second.
 *
 * The 16-bit values travel as their bit patterns in a `Uint16Array` (host byte order, which
 * is little-endian on every platform tfjs runs on).
 * @module
 */
import { fail } from '../analysis/validation.js';

function checkOut<T extends Uint16Array | Float32Array>(
  owner: string,
  out: T | undefined,
  length: number,
  make: (n: number) => T,
): T {
  if (out === undefined) return make(length);
  if (out.length !== length) fail(owner, `out must hold ${length} elements, got ${out.length}`);
  return out;
}

/**
 * Decodes bfloat16 bit patterns to float32, exactly: a bfloat16 is the upper 16 bits of a
 * float32, so `f32bits = bf16bits << 16` (NaN payloads, infinities, signed zeros and
 * subnormals all survive).
 *
 * @param bits - bfloat16 bit patterns.
 * @param out - Optional destination of the same length (allocated when omitted).
 * @returns The float32 values.
 * @example
 * ```ts
 * import { bfloat16ToFloat32 } from 'tiedformer/interop';
 * bfloat16ToFloat32(new Uint16Array([0x3f80, 0xc000])); // Float32Array [1, -2]
 * ```
 */
export function bfloat16ToFloat32(bits: Uint16Array, out?: Float32Array): Float32Array {
  const n = bits.length;
  const result = checkOut('bfloat16ToFloat32', out, n, (m) => new Float32Array(m));
  const out32 = new Uint32Array(result.buffer, result.byteOffset, n);
  if (bits.byteOffset % 4 === 0) {
    // Two bfloat16 per 32-bit load (little-endian: the first is the low half): ~1.5x faster.
    const pairs = n >>> 1;
    const in32 = new Uint32Array(bits.buffer, bits.byteOffset, pairs);
    for (let j = 0; j < pairs; j++) {
      const w = in32[j]!;
      out32[2 * j] = w << 16;
      out32[2 * j + 1] = w & 0xffff0000;
    }
    if (n % 2 === 1) out32[n - 1] = bits[n - 1]! << 16;
  } else {
    for (let i = 0; i < n; i++) out32[i] = bits[i]! << 16;
  }
  return result;
}

/** bfloat16 bits of float32 bits `u`: round to nearest even; NaN (exponent all ones, mantissa ≠ 0) → 0x7fc0. */
function roundBits(u: number): number {
  return (u & 0x7fffffff) > 0x7f800000 ? 0x7fc0 : (u + 0x7fff + ((u >>> 16) & 1)) >>> 16;
}

/**
 * Rounds float32 values to bfloat16 bit patterns with round-to-nearest-even, as PyTorch's
 * `tensor.to(torch.bfloat16)` does: `bf16 = (f32bits + 0x7fff + ((f32bits >> 16) & 1)) >> 16`.
 * Values beyond bfloat16's largest finite value (≈ 3.39e38) round to ±Infinity; every NaN
 * becomes the quiet NaN `0x7fc0` (plain truncation could turn a NaN into an infinity).
 *
 * @param values - float32 values.
 * @param out - Optional destination of the same length (allocated when omitted).
 * @returns The bfloat16 bit patterns.
 * @example
 * ```ts
 * import { float32ToBfloat16 } from 'tiedformer/interop';
 * float32ToBfloat16(new Float32Array([1, 1 + 2 ** -8])); // Uint16Array [0x3f80, 0x3f80] (tie → even)
 * ```
 */
export function float32ToBfloat16(values: Float32Array, out?: Uint16Array): Uint16Array {
  const n = values.length;
  const result = checkOut('float32ToBfloat16', out, n, (m) => new Uint16Array(m));
  const in32 = new Uint32Array(values.buffer, values.byteOffset, n);
  if (result.byteOffset % 4 === 0) {
    // Two bfloat16 per 32-bit store (little-endian: the first is the low half): ~1.5x faster.
    const pairs = n >>> 1;
    const out32 = new Uint32Array(result.buffer, result.byteOffset, pairs);
    for (let j = 0; j < pairs; j++) {
      const u = in32[2 * j]!;
      const v = in32[2 * j + 1]!;
      const lo = (u & 0x7fffffff) > 0x7f800000 ? 0x7fc0 : (u + 0x7fff + ((u >>> 16) & 1)) >>> 16;
      const hi = (v & 0x7fffffff) > 0x7f800000 ? 0x7fc0 : (v + 0x7fff + ((v >>> 16) & 1)) >>> 16;
      out32[j] = (lo | (hi << 16)) >>> 0;
    }
    if (n % 2 === 1) result[n - 1] = roundBits(in32[n - 1]!);
  } else {
    for (let i = 0; i < n; i++) result[i] = roundBits(in32[i]!);
  }
  return result;
}

/**
 * The nearest bfloat16 value to `value` (round-to-nearest-even of its float32 rounding), as
 * a number: e.g. Gemma scales its embedding lookup by `√hiddenSize` rounded this way.
 *
 * @param value - Any number (first rounded to float32).
 * @returns The bfloat16 value, exactly representable as a float32.
 * @example
 * ```ts
 * import { roundToBfloat16 } from 'tiedformer/interop';
 * roundToBfloat16(Math.sqrt(2048)); // 45.25 (√2048 ≈ 45.2548)
 * ```
 */
export function roundToBfloat16(value: number): number {
  const bits = float32ToBfloat16(new Float32Array([value]));
  return bfloat16ToFloat32(bits)[0]!;
}

let float16Table: Float32Array | undefined;

/** All 65,536 half-precision values, built once (256 KiB). */
function halfTable(): Float32Array {
  if (float16Table !== undefined) return float16Table;
  const table = new Float32Array(65536);
  const bits = new Uint32Array(table.buffer);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exponent = (h >>> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) {
      // Zero or subnormal: mantissa · 2^-24, exact in float32.
      table[h] = (sign ? -1 : 1) * mantissa * 2 ** -24;
    } else if (exponent === 0x1f) {
      // Infinity or NaN (payload kept).
      bits[h] = (sign | 0x7f800000 | (mantissa << 13)) >>> 0;
    } else {
      // Normal: rebias the exponent from 15 to 127.
      bits[h] = (sign | ((exponent + 112) << 23) | (mantissa << 13)) >>> 0;
    }
  }
  float16Table = table;
  return table;
}

/**
 * Decodes IEEE 754 half-precision bit patterns to float32, exactly (every half value,
 * subnormals included, is a float32; NaN payloads are kept).
 *
 * @param bits - Half-precision bit patterns.
 * @param out - Optional destination of the same length (allocated when omitted).
 * @returns The float32 values.
 * @example
 * ```ts
 * import { float16ToFloat32 } from 'tiedformer/interop';
 * float16ToFloat32(new Uint16Array([0x3c00, 0x0001])); // Float32Array [1, 5.96e-8]
 * ```
 */
export function float16ToFloat32(bits: Uint16Array, out?: Float32Array): Float32Array {
  const n = bits.length;
  const result = checkOut('float16ToFloat32', out, n, (m) => new Float32Array(m));
  // Copy bit patterns, not numbers, so NaN payloads pass through unchanged.
  const table = new Uint32Array(halfTable().buffer);
  const out32 = new Uint32Array(result.buffer, result.byteOffset, n);
  for (let i = 0; i < n; i++) out32[i] = table[bits[i]!]!;
  return result;
}
