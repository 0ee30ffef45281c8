import { constants } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { float32ToBfloat16, readSafetensors, writeSafetensors } from 'tiedformer/interop';
import { describe, expect, it } from 'vitest';

// Byte vectors spelled out by the reference implementation's own tests:
// huggingface/safetensors, safetensors/src/tensor.rs at commit
// 24b0b2857fef49be734b9ab72ce97c09bb25f5b9 (tests test_serialization,
// test_serialization_forced_alignement, test_empty). The reference writes no __metadata__
// when given none; tiedformer does the same for `metadata: {}`.
const ZERO_TO_FIVE_F32 = [
  0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
];
const TEST_SERIALIZATION = [
  64,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  123,
  34,
  97,
  116,
  116,
  110,
  46,
  48,
  34,
  58,
  123,
  34,
  100,
  116,
  121,
  112,
  101,
  34,
  58,
  34,
  70,
  51,
  50,
  34,
  44,
  34,
  115,
  104,
  97,
  112,
  101,
  34,
  58,
  91,
  49,
  44,
  50,
  44,
  51,
  93,
  44,
  34,
  100,
  97,
  116,
  97,
  95,
  111,
  102,
  102,
  115,
  101,
  116,
  115,
  34,
  58,
  91,
  48,
  44,
  50,
  52,
  93,
  125,
  125,
  ...ZERO_TO_FIVE_F32,
];
const TEST_FORCED_ALIGNMENT = [
  72,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  123,
  34,
  97,
  116,
  116,
  110,
  48,
  34,
  58,
  123,
  34,
  100,
  116,
  121,
  112,
  101,
  34,
  58,
  34,
  70,
  51,
  50,
  34,
  44,
  34,
  115,
  104,
  97,
  112,
  101,
  34,
  58,
  91,
  49,
  44,
  49,
  44,
  50,
  44,
  51,
  93,
  44,
  34,
  100,
  97,
  116,
  97,
  95,
  111,
  102,
  102,
  115,
  101,
  116,
  115,
  34,
  58,
  91,
  48,
  44,
  50,
  52,
  93,
  125,
  125,
  32,
  32,
  32,
  32,
  32,
  32,
  32,
  ...ZERO_TO_FIVE_F32,
];
const TEST_EMPTY = [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32];
const TEST_EMPTY_WITH_METADATA = [
  40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95, 95, 34, 58,
  123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112, 116, 34, 125, 125, 32, 32,
  32, 32, 32,
];

const zeroToFive = () => new Float32Array([0, 1, 2, 3, 4, 5]);

function headerOf(bytes: Uint8Array): string {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return new TextDecoder().decode(bytes.subarray(8, 8 + n));
}

describe('writeSafetensors', () => {
  it('writes the bytes of the reference implementation', () => {
    const tensor = { shape: [1, 2, 3], data: zeroToFive() };
    expect([...writeSafetensors({ 'attn.0': tensor }, { metadata: {} })]).toEqual(
      TEST_SERIALIZATION,
    );
    expect([
      ...writeSafetensors({ attn0: { shape: [1, 1, 2, 3], data: zeroToFive() } }, { metadata: {} }),
    ]).toEqual(TEST_FORCED_ALIGNMENT);
    expect([...writeSafetensors({}, { metadata: {} })]).toEqual(TEST_EMPTY);
    expect([...writeSafetensors(new Map(), { metadata: { framework: 'pt' } })]).toEqual(
      TEST_EMPTY_WITH_METADATA,
    );
  });

  it('defaults the metadata to format "pt", as Hugging Face transformers expects', () => {
    const bytes = writeSafetensors({ w: { shape: [1], data: new Float32Array([1]) } });
    expect(readSafetensors(bytes).metadata).toEqual({ format: 'pt' });
    expect(headerOf(bytes).startsWith('{"__metadata__":{"format":"pt"},"w":')).toBe(true);
  });

  it('sorts tensors by name, lays out data in that order and pads the header to 8 bytes', () => {
    const tensors = new Map([
      ['b', { shape: [3], data: new Float32Array([4, 5, 6]) }],
      ['a', { shape: [1, 1], data: new Float32Array([7]) }],
      ['c', { shape: [0, 5], data: new Float32Array(0) }],
    ]);
    for (const dtype of ['F32', 'BF16'] as const) {
      const bytes = writeSafetensors(tensors, { dtype });
      const header = headerOf(bytes);
      const size = dtype === 'F32' ? 4 : 2;
      expect((bytes.length - 8 - header.length) % size).toBe(0);
      expect(header.length % 8).toBe(0);
      expect(header).toMatch(/} *$/);
      const parsed = JSON.parse(header);
      expect(Object.keys(parsed)).toEqual(['__metadata__', 'a', 'b', 'c']);
      expect(parsed.a).toEqual({ dtype, shape: [1, 1], data_offsets: [0, size] });
      expect(parsed.b).toEqual({ dtype, shape: [3], data_offsets: [size, 4 * size] });
      expect(parsed.c).toEqual({ dtype, shape: [0, 5], data_offsets: [4 * size, 4 * size] });
      expect(bytes.length).toBe(8 + header.length + 4 * size);
      const back = readSafetensors(bytes);
      expect([...back.tensors.keys()]).toEqual(['a', 'b', 'c']);
      expect([...back.tensors.get('b')!.data]).toEqual([4, 5, 6]);
      expect(back.tensors.get('b')!.dtype).toBe(dtype);
    }
  });

  it('round-trips float32 bit for bit, including NaN, infinities, -0 and subnormals', () => {
    const data = new Float32Array([Number.NaN, Infinity, -Infinity, -0, 1e-45, 3.4028235e38, -1.5]);
    const back = readSafetensors(writeSafetensors({ x: { shape: [7], data } })).tensors.get('x')!;
    expect(new Uint32Array(back.data.buffer)).toEqual(new Uint32Array(data.buffer));
    expect(back.shape).toEqual([7]);
  });

  it('writes a scalar (shape [])', () => {
    const back = readSafetensors(
      writeSafetensors({ s: { shape: [], data: new Float32Array([2]) } }),
    );
    expect(back.tensors.get('s')).toEqual({ dtype: 'F32', shape: [], data: new Float32Array([2]) });
  });

  it('keeps tensors that are views into a larger buffer', () => {
    const big = new Float32Array([9, 1, 2, 3, 9]);
    const bytes = writeSafetensors(
      { v: { shape: [3], data: big.subarray(1, 4) } },
      { dtype: 'BF16' },
    );
    expect([...readSafetensors(bytes).tensors.get('v')!.data]).toEqual([1, 2, 3]);
  });

  it('rejects bad input with a message naming the tensor and the value', () => {
    const ok = { shape: [2], data: new Float32Array(2) };
    expect(() => writeSafetensors({ w: { shape: [3], data: new Float32Array(2) } })).toThrow(
      '[writeSafetensors] tensor "w": shape [3] holds 3 elements but data has 2',
    );
    expect(() => writeSafetensors({ w: { shape: [-1], data: new Float32Array(0) } })).toThrow(
      '[writeSafetensors] tensor "w": shape must be an array of non-negative integers, got [-1]',
    );
    expect(() => writeSafetensors({ w: { shape: [2.5], data: new Float32Array(2) } })).toThrow(
      'got [2.5]',
    );
    expect(() =>
      writeSafetensors({ w: { shape: [2], data: [1, 2] as unknown as Float32Array } }),
    ).toThrow('[writeSafetensors] tensor "w": data must be a Float32Array, got [1,2]');
    expect(() => writeSafetensors({ __metadata__: ok })).toThrow(
      '[writeSafetensors] the tensor name "__metadata__" is reserved',
    );
    expect(() => writeSafetensors({ w: ok }, { dtype: 'F16' as 'F32' })).toThrow(
      '[writeSafetensors] dtype must be "F32" or "BF16", got "F16"',
    );
    expect(() =>
      writeSafetensors({ w: ok }, { metadata: { step: 3 as unknown as string } }),
    ).toThrow('[writeSafetensors] metadata values must be strings, got "step": 3');
    expect(() => writeSafetensors({ w: ok }, { dtpye: 'BF16' } as never)).toThrow(
      '[writeSafetensors] unknown option "dtpye"; known: dtype, metadata',
    );
    expect(() => writeSafetensors(null as never)).toThrow('[writeSafetensors] tensors must be');
  });

  // Node 20 caps a typed array at 4 GiB (buffer.constants.MAX_LENGTH = 2^32); where the cap
  // is higher the same file would really be allocated, which is no test of the message.
  it.runIf(constants.MAX_LENGTH <= 2 ** 32)(
    'names a file too large for one Uint8Array before copying anything',
    () => {
      // 17 views of one 256 MiB array: 4.25 GiB of file.
      const shared = new Float32Array(2 ** 26);
      const tensors = new Map(
        Array.from(
          { length: 17 },
          (_, i) => [`w${i}`, { shape: [2 ** 26], data: shared }] as const,
        ),
      );
      expect(() => writeSafetensors(tensors)).toThrow(
        /^\[writeSafetensors\] cannot allocate 4563404\d{3} bytes \(4\.25 GiB\) for the file \(.*\): split the tensors over several files \(shards\)$/,
      );
    },
  );

  it('refuses a header over the reference limit of 100,000,000 bytes', () => {
    // The reference's test_invalid_header_size_serialization: 1e8 bytes of metadata.
    expect(() => writeSafetensors({}, { metadata: { big: 'a'.repeat(100_000_000) } })).toThrow(
      /\[writeSafetensors\] the header would be 100000032 bytes, over the 100000000-byte limit/,
    );
  });
});

// Files and decodings written by PyTorch: scripts/make_safetensors_fixtures.py.
describe('writeSafetensors: against PyTorch', () => {
  const dir = new URL('../fixtures/safetensors/', import.meta.url);
  const torchFile = (name: string) => new Uint8Array(readFileSync(new URL(name, dir)));
  const decoded = JSON.parse(readFileSync(new URL('torch-decoded.json', dir), 'utf8')) as Record<
    string,
    Record<string, number[]>
  >;
  const source = () => readSafetensors(torchFile('torch-f32.safetensors')).tensors;

  it('F32: reproduces the torch-written file byte for byte', () => {
    expect(writeSafetensors(source())).toEqual(torchFile('torch-f32.safetensors'));
  });

  it("BF16: rounds every element exactly as torch's .to(torch.bfloat16)", () => {
    const ours = writeSafetensors(source(), { dtype: 'BF16' });
    const theirs = torchFile('torch-bf16.safetensors');
    expect(ours.length).toBe(theirs.length);
    const start = 8 + Number(new DataView(theirs.buffer).getBigUint64(0, true));
    expect(ours.subarray(0, start)).toEqual(theirs.subarray(0, start)); // the same header
    const a = new Uint16Array(ours.buffer, start);
    const b = new Uint16Array(theirs.buffer, theirs.byteOffset + start);
    const isNaN16 = (h: number) => (h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0;
    let differ = 0;
    let nans = 0;
    for (let i = 0; i < a.length; i++) {
      // torch writes NaN as 0xffff, we as the canonical 0x7fc0: both NaN.
      if (isNaN16(b[i]!)) {
        nans++;
        if (!isNaN16(a[i]!)) differ++;
      } else if (a[i] !== b[i]) differ++;
    }
    expect({ differ, nans }).toEqual({ differ: 0, nans: 1 });
  });

  it('negative control: truncating instead of rounding disagrees with torch', () => {
    const inputs = source().get('rounding')!.data;
    const torchBits = decoded.BF16!.rounding!.map((u) => (u >>> 16) & 0xffff);
    const rounded = float32ToBfloat16(inputs);
    const truncated = new Uint32Array(inputs.buffer, inputs.byteOffset, inputs.length).map(
      (u) => u >>> 16,
    );
    const count = (bits: ArrayLike<number>) =>
      torchBits.filter((t, i) => t !== (bits[i]! & 0xffff)).length;
    expect(count(rounded)).toBe(0);
    expect(count(truncated)).toBeGreaterThan(200);
  });
});
