import { readFileSync } from 'node:fs';
import { float16ToFloat32, readSafetensors, writeSafetensors } from 'tiedformer/interop';
import { describe, expect, it } from 'vitest';

/** Bytes of a Rust byte-string literal as the reference tests write it (\xNN escapes). */
function bytesOf(literal: string): Uint8Array {
  const text = literal.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** A file from a header string and a data section. */
function file(header: string, data: Uint8Array | number = 0): Uint8Array {
  const json = new TextEncoder().encode(header);
  const body = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

// Vectors spelled out by the reference implementation's tests: huggingface/safetensors,
// safetensors/src/tensor.rs at commit 24b0b2857fef49be734b9ab72ce97c09bb25f5b9. Most use
// dtype I32, which tiedformer does not decode; `asF32` swaps in F32 (same element size, same
// header length), and the unmodified vectors must be refused as an unsupported dtype.
const SIXTEEN_ZEROS = '\\x00'.repeat(16);
const DESERIALIZATION = `<\\x00\\x00\\x00\\x00\\x00\\x00\\x00{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}${SIXTEEN_ZEROS}`;
const EMPTY_SHAPE = `8\\x00\\x00\\x00\\x00\\x00\\x00\\x00{"test":{"dtype":"I32","shape":[],"data_offsets":[0,4]}}\\x00\\x00\\x00\\x00`;
const ZERO_SIZED = `<\\x00\\x00\\x00\\x00\\x00\\x00\\x00{"test":{"dtype":"I32","shape":[2,0],"data_offsets":[0, 0]}}`;
const INVALID_INFO = `<\\x00\\x00\\x00\\x00\\x00\\x00\\x00{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0, 4]}}`;
const asF32 = (literal: string) => bytesOf(literal.replace('"I32"', '"F32"'));

describe('readSafetensors: reference vectors', () => {
  it('test_deserialization: a [2, 2] tensor of zeros', () => {
    const { tensors, metadata } = readSafetensors(asF32(DESERIALIZATION));
    expect([...tensors.keys()]).toEqual(['test']);
    expect(tensors.get('test')).toEqual({
      dtype: 'F32',
      shape: [2, 2],
      data: new Float32Array(4),
    });
    expect(metadata).toEqual({});
  });

  it('the unmodified I32 vectors are refused as an unsupported dtype', () => {
    for (const literal of [DESERIALIZATION, EMPTY_SHAPE, ZERO_SIZED]) {
      expect(() => readSafetensors(bytesOf(literal))).toThrow(
        '[readSafetensors] tensor "test" has dtype I32, which tiedformer does not decode (it reads F32, F16 and BF16)',
      );
    }
  });

  it('test_empty_shapes_allowed: shape [] is a scalar', () => {
    const tensor = readSafetensors(asF32(EMPTY_SHAPE)).tensors.get('test')!;
    expect(tensor.shape).toEqual([]);
    expect(tensor.data).toEqual(new Float32Array(1));
  });

  it('test_zero_sized_tensor: shape [2, 0] has no data', () => {
    const tensor = readSafetensors(asF32(ZERO_SIZED)).tensors.get('test')!;
    expect(tensor.shape).toEqual([2, 0]);
    expect(tensor.data.length).toBe(0);
  });

  it("test_serialization: decodes the reference writer's bytes", () => {
    const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    const tensor = readSafetensors(file(header, f32([0, 1, 2, 3, 4, 5]))).tensors.get('attn.0')!;
    expect([...tensor.data]).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('test_whitespace_padded_header and test_whitespace_leading_padded_header', () => {
    expect(
      readSafetensors(bytesOf('\\x06\\x00\\x00\\x00\\x00\\x00\\x00\\x00{}\\x0D\\x20\\x09\\x0A'))
        .tensors.size,
    ).toBe(0);
    expect(
      readSafetensors(bytesOf('\\x06\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x09\\x0A{}\\x0D\\x20'))
        .tensors.size,
    ).toBe(0);
  });

  it('test_metadata_incomplete_buffer: extra bytes after the data, or 2 bytes missing', () => {
    expect(() =>
      readSafetensors(asF32(`${DESERIALIZATION}extra_bogus_data_for_polyglot_file`)),
    ).toThrow(
      "[readSafetensors] the file holds 34 bytes after the last tensor's data (data_offsets must cover the data section)",
    );
    expect(() => readSafetensors(asF32(DESERIALIZATION.slice(0, -8)))).toThrow(
      '[readSafetensors] the tensors need 16 bytes of data but the file holds 14 after its header: truncated?',
    );
  });

  it('test_header_too_large', () => {
    const literal = `<\\x00\\x00\\x00\\x00\\xff\\xff\\xff{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}${SIXTEEN_ZEROS}`;
    expect(() => readSafetensors(bytesOf(literal))).toThrow(
      '[readSafetensors] header length 18446742974197923900 exceeds the 100000000-byte limit of the reference implementation: not a safetensors file?',
    );
  });

  it('test_header_too_small and test_invalid_header_length', () => {
    expect(() => readSafetensors(new Uint8Array(0))).toThrow(
      '[readSafetensors] the file is 0 bytes, shorter than the 8-byte header length: truncated or not a safetensors file',
    );
    expect(() => readSafetensors(bytesOf('<\\x00\\x00\\x00\\x00\\x00\\x00\\x00'))).toThrow(
      '[readSafetensors] header length 60 runs past the end of the 8-byte file (8 + 60 > 8): truncated?',
    );
  });

  it('test_invalid_header_non_utf8 and test_invalid_header_not_json', () => {
    expect(() => readSafetensors(bytesOf('\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\xff'))).toThrow(
      '[readSafetensors] the header is not valid UTF-8',
    );
    expect(() => readSafetensors(bytesOf('\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00{'))).toThrow(
      /^\[readSafetensors\] the header is not valid JSON \(/,
    );
  });

  it('test_invalid_info: shape and offsets disagree', () => {
    expect(() => readSafetensors(asF32(INVALID_INFO))).toThrow(
      '[readSafetensors] tensor "test": shape [2,2] of F32 needs 16 bytes, but data_offsets [0, 4] span 4',
    );
  });

  it('test_validation_overflow: shapes beyond 2^53 elements', () => {
    const huge = `O\\x00\\x00\\x00\\x00\\x00\\x00\\x00{"test":{"dtype":"I32","shape":[2,18446744073709551614],"data_offsets":[0,16]}}${SIXTEEN_ZEROS}`;
    expect(() => readSafetensors(asF32(huge))).toThrow(
      '[readSafetensors] tensor "test": shape must be an array of non-negative integers, got [2,18446744073709552000]',
    );
    const product = `N\\x00\\x00\\x00\\x00\\x00\\x00\\x00{"test":{"dtype":"I32","shape":[2,9223372036854775807],"data_offsets":[0,16]}}${SIXTEEN_ZEROS}`;
    expect(() => readSafetensors(asF32(product))).toThrow('got [2,9223372036854776000]');
    // Each dimension safe, their product not (our own vector).
    const header = '{"test":{"dtype":"F32","shape":[2,9007199254740991],"data_offsets":[0,16]}}';
    expect(() => readSafetensors(file(header, 16))).toThrow(
      '[readSafetensors] tensor "test": shape [2,9007199254740991] has too many elements (18014398509481982)',
    );
  });

  it('test_json_attack: ten tensors claiming the same bytes', () => {
    const entries = Array.from(
      { length: 10 },
      (_, i) => `"weight_${i}":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}`,
    );
    expect(() => readSafetensors(file(`{${entries.join(',')}}`, 16))).toThrow(
      /^\[readSafetensors\] tensor "weight_\d" starts at byte 0 but tensor "weight_\d" ends at 16: an overlap of 16 bytes/,
    );
  });
});

describe('readSafetensors: malformed files', () => {
  const entry = (dtype: string, shape: number[], offsets: [number, number]) =>
    JSON.stringify({ dtype, shape, data_offsets: offsets });

  it('names a gap between tensors, and data that does not start at 0', () => {
    const gap = `{"a":${entry('F32', [1], [0, 4])},"b":${entry('F32', [1], [8, 12])}}`;
    expect(() => readSafetensors(file(gap, 12))).toThrow(
      '[readSafetensors] tensor "b" starts at byte 8 but tensor "a" ends at 4: a gap of 4 bytes (data_offsets must tile the data section)',
    );
    expect(() => readSafetensors(file(`{"a":${entry('F32', [1], [4, 8])}}`, 8))).toThrow(
      '[readSafetensors] tensor "a" starts at byte 4 but data begins at 0: a gap of 4 bytes',
    );
  });

  it('names offsets that end before they begin or are not integers', () => {
    expect(() => readSafetensors(file(`{"a":${entry('F32', [0], [4, 0])}}`, 4))).toThrow(
      '[readSafetensors] tensor "a": data_offsets [4, 0] end before they begin',
    );
    expect(() =>
      readSafetensors(file('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}}', 4)),
    ).toThrow(
      '[readSafetensors] tensor "a": data_offsets must be [begin, end], two non-negative integers, got [0]',
    );
    expect(() =>
      readSafetensors(file('{"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}', 4)),
    ).toThrow('got [-4,0]');
  });

  it('names a shape × dtype size that disagrees with the offsets', () => {
    expect(() => readSafetensors(file(`{"a":${entry('BF16', [3], [0, 4])}}`, 4))).toThrow(
      '[readSafetensors] tensor "a": shape [3] of BF16 needs 6 bytes, but data_offsets [0, 4] span 4',
    );
  });

  it('names unknown and unsupported dtypes', () => {
    expect(() => readSafetensors(file(`{"a":${entry('F31', [1], [0, 4])}}`, 4))).toThrow(
      '[readSafetensors] tensor "a" has unknown dtype "F31"',
    );
    expect(() => readSafetensors(file(`{"a":${entry('F64', [1], [0, 8])}}`, 8))).toThrow(
      '[readSafetensors] tensor "a" has dtype F64, which tiedformer does not decode',
    );
    expect(() => readSafetensors(file('{"a":{"shape":[1],"data_offsets":[0,4]}}', 4))).toThrow(
      '[readSafetensors] tensor "a" has unknown dtype undefined',
    );
  });

  it('names duplicate tensor names, which JSON.parse would silently merge', () => {
    const twice = `{"a":${entry('F32', [1], [0, 4])},"a":${entry('F32', [1], [0, 4])}}`;
    expect(() => readSafetensors(file(twice, 4))).toThrow(
      '[readSafetensors] the header has the key "a" twice',
    );
    // The same name spelled with an escape is still the same name.
    const escaped = `{"a":${entry('F32', [1], [0, 4])},"\\u0061":${entry('F32', [1], [4, 8])}}`;
    expect(() => readSafetensors(file(escaped, 8))).toThrow('the header has the key "a" twice');
    // A value equal to a key is no duplicate.
    const meta = `{"__metadata__":{"a":"a","b":"a"},"a":${entry('F32', [1], [0, 4])}}`;
    expect(readSafetensors(file(meta, 4)).metadata).toEqual({ a: 'a', b: 'a' });
  });

  it('keeps every metadata key as data, "__proto__" included', () => {
    const { metadata } = readSafetensors(file('{"__metadata__":{"__proto__":"x","format":"pt"}}'));
    expect(Object.keys(metadata)).toEqual(['__proto__', 'format']);
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(metadata, '__proto__')?.value).toBe('x');
    const again = readSafetensors(writeSafetensors({}, { metadata })).metadata;
    expect(Object.entries(again)).toEqual([
      ['__proto__', 'x'],
      ['format', 'pt'],
    ]);
  });

  it('names non-string metadata and a header that is not an object', () => {
    expect(() => readSafetensors(file('{"__metadata__":{"step":3}}'))).toThrow(
      '[readSafetensors] __metadata__ values must be strings, got "step": 3',
    );
    expect(() => readSafetensors(file('{"__metadata__":"pt"}'))).toThrow(
      '[readSafetensors] __metadata__ must be an object of strings, got "pt"',
    );
    expect(() => readSafetensors(file('[]'))).toThrow(
      '[readSafetensors] the header must be a JSON object, got []',
    );
    expect(() => readSafetensors(file('{"a":[1]}'))).toThrow(
      '[readSafetensors] tensor "a" must be described by {dtype, shape, data_offsets}, got [1]',
    );
    expect(() => readSafetensors('abc' as never)).toThrow(
      "[readSafetensors] expected the file's bytes as a Uint8Array or ArrayBuffer, got abc",
    );
  });

  it('a truncated file fails at every cut, never with a wrong tensor', () => {
    const bytes = writeSafetensors({
      a: { shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
      b: { shape: [5], data: new Float32Array(5).fill(7) },
    });
    expect(readSafetensors(bytes).tensors.size).toBe(2);
    for (let cut = 0; cut < bytes.length; cut++) {
      expect(() => readSafetensors(bytes.subarray(0, cut))).toThrow(/^\[readSafetensors\] /);
    }
  });
});

describe('readSafetensors: decoding', () => {
  it('decodes F16 and BF16 exactly and reads from an ArrayBuffer or an unaligned view', () => {
    // 1, -2, 65504 (largest half), 2^-24 (smallest half subnormal), -0, Infinity.
    const half = new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000, 0x7c00]);
    // 1, -2, 3.3895314e38 (largest bfloat16), 2^-133 (a subnormal), -0, -Infinity.
    const brain = new Uint16Array([0x3f80, 0xc000, 0x7f7f, 0x0001, 0x8000, 0xff80]);
    const data = new Uint8Array(24);
    data.set(new Uint8Array(half.buffer), 0);
    data.set(new Uint8Array(brain.buffer), 12);
    const header = `{"h":{"dtype":"F16","shape":[6],"data_offsets":[0,12]},"b":{"dtype":"BF16","shape":[2,3],"data_offsets":[12,24]}}`;
    const bytes = file(header, data);
    // Shift the whole file by one byte so that no typed-array view of it is aligned.
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    for (const input of [bytes, bytes.buffer as ArrayBuffer, shifted.subarray(1)]) {
      const { tensors } = readSafetensors(input);
      expect([...tensors.keys()]).toEqual(['h', 'b']);
      expect(tensors.get('h')!.dtype).toBe('F16');
      expect([...tensors.get('h')!.data]).toEqual([1, -2, 65504, 2 ** -24, -0, Infinity]);
      expect([...tensors.get('b')!.data]).toEqual([
        1,
        -2,
        3.3895313892515355e38,
        2 ** -133,
        -0,
        -Infinity,
      ]);
      expect(tensors.get('b')!.shape).toEqual([2, 3]);
    }
  });

  it("reads a Node Buffer (whose slice() is a view) without picking up its neighbours' bytes", () => {
    const bytes = writeSafetensors({ w: { shape: [2], data: new Float32Array([1, 2]) } });
    const pooled = Buffer.from(bytes); // small Buffers share one pooled ArrayBuffer
    expect(pooled.buffer.byteLength).toBeGreaterThan(bytes.length);
    expect(readSafetensors(pooled).tensors.get('w')!.data).toEqual(new Float32Array([1, 2]));
  });

  it('returns data that does not alias the input bytes', () => {
    const bytes = writeSafetensors({ w: { shape: [2], data: new Float32Array([1, 2]) } });
    const tensor = readSafetensors(bytes).tensors.get('w')!;
    bytes.fill(0, bytes.length - 8);
    expect([...tensor.data]).toEqual([1, 2]);
  });
});

// Files written by PyTorch and torch's own decodings of them:
// scripts/make_safetensors_fixtures.py (rerun it to regenerate tests/fixtures/safetensors).
describe('readSafetensors: files written by PyTorch', () => {
  const dir = new URL('../fixtures/safetensors/', import.meta.url);
  const decoded = JSON.parse(readFileSync(new URL('torch-decoded.json', dir), 'utf8')) as Record<
    string,
    Record<string, number[]>
  >;
  const read = (name: string) => readSafetensors(readFileSync(new URL(name, dir)));
  /** Elements whose float32 bit patterns differ from torch's (NaNs included). */
  const mismatches = (data: Float32Array, torchBits: number[]) => {
    const bits = new Int32Array(data.buffer, data.byteOffset, data.length);
    let count = bits.length === torchBits.length ? 0 : Number.POSITIVE_INFINITY;
    for (let i = 0; i < bits.length; i++) if (bits[i] !== torchBits[i]) count++;
    return count;
  };

  for (const [dtype, file] of [
    ['F32', 'torch-f32.safetensors'],
    ['BF16', 'torch-bf16.safetensors'],
    ['F16', 'torch-f16.safetensors'],
  ] as const) {
    it(`decodes ${dtype} exactly as torch's .to(torch.float32) does`, () => {
      const { tensors, metadata } = read(file);
      expect(metadata).toEqual({ format: 'pt' });
      expect([...tensors.keys()].sort()).toEqual(Object.keys(decoded[dtype]!).sort());
      for (const [name, tensor] of tensors) {
        expect(tensor.dtype).toBe(dtype);
        expect({ name, mismatches: mismatches(tensor.data, decoded[dtype]![name]!) }).toEqual({
          name,
          mismatches: 0,
        });
      }
      expect(tensors.get('model.embed_tokens.weight')!.shape).toEqual([16, 8]);
      expect(tensors.get('scalar')!.shape).toEqual([]);
      expect(tensors.get('empty')!.shape).toEqual([0, 3]);
    });
  }

  it('negative controls: the comparison catches one flipped bit and a wrong format', () => {
    const bytes = new Uint8Array(readFileSync(new URL('torch-bf16.safetensors', dir)));
    // The file's last byte is the high byte of the last element of "special" (1/3).
    bytes[bytes.length - 1]! ^= 1;
    const flipped = readSafetensors(bytes).tensors.get('special')!;
    expect(mismatches(flipped.data, decoded.BF16!.special!)).toBe(1);
    // The same bits read as IEEE half instead of bfloat16.
    const bf16 = read('torch-bf16.safetensors').tensors.get('model.embed_tokens.weight')!;
    const bits = new Uint16Array(new Uint32Array(bf16.data.buffer).map((u) => u >>> 16));
    const asHalf = float16ToFloat32(bits);
    expect(mismatches(asHalf, decoded.BF16!['model.embed_tokens.weight']!)).toBeGreaterThan(100);
  });
});
