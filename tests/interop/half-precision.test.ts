import fc from 'fast-check';
import {
  bfloat16ToFloat32,
  float16ToFloat32,
  float32ToBfloat16,
  roundToBfloat16,
} from 'tiedformer/interop';
import { describe, expect, it } from 'vitest';

/** IEEE 754 half precision by its definition (closed form, independent of the bit tricks). */
function halfByDefinition(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (mantissa / 1024);
  if (exponent === 31) return mantissa === 0 ? sign * Infinity : Number.NaN;
  return sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
}

/** bfloat16 value of a bit pattern by definition (8 exponent bits, 7 mantissa bits). */
function bfloatByDefinition(b: number): number {
  const sign = b & 0x8000 ? -1 : 1;
  const exponent = (b >> 7) & 0xff;
  const mantissa = b & 0x7f;
  if (exponent === 0) return sign * 2 ** -126 * (mantissa / 128);
  if (exponent === 255) return mantissa === 0 ? sign * Infinity : Number.NaN;
  return sign * 2 ** (exponent - 127) * (1 + mantissa / 128);
}

/**
 * Round-to-nearest-even by comparing distances (in float64, exact here) to the two bfloat16
 * neighbours of x: a different algorithm from the integer rounding-bias trick under test.
 */
function nearestBfloat16(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const bits = new Uint32Array(new Float32Array([x]).buffer)[0]!;
  const down = bits >>> 16; // toward zero
  const up = down + 1; // away from zero (may carry into the exponent: still correct)
  const a = bfloatByDefinition(down);
  const b = (down & 0x7fff) === 0x7f7f ? Math.sign(x) * 2 ** 128 : bfloatByDefinition(up);
  const da = Math.abs(x - a);
  const db = Math.abs(x - b);
  if (da < db) return a;
  if (db < da) return Math.abs(b) === 2 ** 128 ? Math.sign(x) * Infinity : b;
  const even = down % 2 === 0 ? a : b;
  return Math.abs(even) === 2 ** 128 ? Math.sign(x) * Infinity : even;
}

describe('float16ToFloat32', () => {
  it('decodes all 65,536 half-precision values as the definition does', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const decoded = float16ToFloat32(all);
    for (let h = 0; h < 65536; h++) {
      const want = halfByDefinition(h);
      if (Number.isNaN(want)) expect(decoded[h]).toBeNaN();
      else if (decoded[h] !== want || Object.is(decoded[h], -0) !== Object.is(want, -0)) {
        expect.fail(`half 0x${h.toString(16)}: got ${decoded[h]}, want ${want}`);
      }
    }
  });

  it('keeps NaN payloads and writes into a given array', () => {
    const out = new Float32Array(1);
    float16ToFloat32(new Uint16Array([0x7e01]), out);
    expect(new Uint32Array(out.buffer)[0]).toBe(0x7fc02000);
    expect(() => float16ToFloat32(new Uint16Array(2), out)).toThrow(
      '[float16ToFloat32] out must hold 2 elements, got 1',
    );
  });
});

describe('bfloat16ToFloat32', () => {
  it('decodes all 65,536 bfloat16 values as the definition does', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const decoded = bfloat16ToFloat32(all);
    for (let b = 0; b < 65536; b++) {
      const want = bfloatByDefinition(b);
      if (Number.isNaN(want)) expect(decoded[b]).toBeNaN();
      else if (decoded[b] !== want || Object.is(decoded[b], -0) !== Object.is(want, -0)) {
        expect.fail(`bfloat16 0x${b.toString(16)}: got ${decoded[b]}, want ${want}`);
      }
    }
  });
});

describe('float32ToBfloat16', () => {
  it('rounds to nearest, ties to even', () => {
    const cases: [number, number][] = [
      [1, 0x3f80],
      [1 + 2 ** -8, 0x3f80], // halfway between 1 and 1 + 2^-7: tie to the even 1
      [1 + 3 * 2 ** -8, 0x3f82], // halfway between 1 + 2^-7 and 1 + 2^-6: tie to even
      [1 + 2 ** -8 + 2 ** -20, 0x3f81], // just above halfway: up
      [-(1 + 2 ** -8 + 2 ** -20), 0xbf81],
      [3.4028235e38, 0x7f80], // float32 max rounds past bfloat16's max: +Infinity
      [-Infinity, 0xff80],
      [-0, 0x8000],
      [2 ** -149, 0x0000], // smallest float32 subnormal rounds to 0
    ];
    const out = float32ToBfloat16(new Float32Array(cases.map(([x]) => x)));
    expect([...out]).toEqual(cases.map(([, b]) => b));
  });

  it('keeps every NaN a NaN, even one whose top half would read as Infinity', () => {
    const nan = new Float32Array(new Uint32Array([0x7f800001, 0xff800001, 0x7fc00000]).buffer);
    const out = float32ToBfloat16(nan);
    expect([...out]).toEqual([0x7fc0, 0x7fc0, 0x7fc0]);
    expect([...bfloat16ToFloat32(out)].every(Number.isNaN)).toBe(true);
  });

  it('agrees with round-to-nearest-even by distance on random float32 bit patterns', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1 }), (bits) => {
        const values = new Float32Array(new Uint32Array(bits).buffer);
        const rounded = bfloat16ToFloat32(float32ToBfloat16(values));
        for (let i = 0; i < values.length; i++) {
          const want = nearestBfloat16(values[i]!);
          if (Number.isNaN(want)) expect(rounded[i]).toBeNaN();
          else expect(Object.is(rounded[i], want)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same bits through the aligned (pairwise) and unaligned paths, odd lengths too', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1 }), (bits) => {
        const values = new Float32Array(new Uint32Array(bits).buffer);
        const aligned = float32ToBfloat16(values);
        const unaligned = new Uint16Array(values.length + 1).subarray(1); // byteOffset 2
        float32ToBfloat16(values, unaligned);
        expect(unaligned).toEqual(aligned);
        for (let i = 0; i < values.length; i++) {
          const want = nearestBfloat16(values[i]!);
          expect(
            Number.isNaN(want)
              ? aligned[i] === 0x7fc0
              : Object.is(bfloat16ToFloat32(aligned.subarray(i, i + 1))[0], want),
          ).toBe(true);
        }
        const words = new Uint16Array(values.length + 1);
        words.set(aligned, 1);
        expect(bfloat16ToFloat32(words.subarray(1))).toEqual(bfloat16ToFloat32(aligned));
      }),
      { numRuns: 100 },
    );
  });

  it('negative control: truncation differs from the distance reference', () => {
    const x = 1 + 2 ** -7 - 2 ** -20; // nearer to 1 + 2^-7 than to 1
    const truncated = bfloatByDefinition(new Uint32Array(new Float32Array([x]).buffer)[0]! >>> 16);
    expect(truncated).not.toBe(nearestBfloat16(x));
    expect(roundToBfloat16(x)).toBe(nearestBfloat16(x));
  });
});

describe('roundToBfloat16', () => {
  it('rounds Gemma-style embedding scales', () => {
    expect(roundToBfloat16(Math.sqrt(2048))).toBe(45.25);
    expect(roundToBfloat16(Math.sqrt(3072))).toBe(55.5);
    expect(roundToBfloat16(1)).toBe(1);
  });
});
