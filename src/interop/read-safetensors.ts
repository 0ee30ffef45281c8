import { fail } from '../analysis/validation.js';
import { checkSafetensorsShape } from './check-safetensors-shape.js';
import { bfloat16ToFloat32, float16ToFloat32 } from './half-precision.js';
import {
  DTYPE_BYTES,
  HOST_IS_LITTLE_ENDIAN,
  KNOWN_DTYPES,
  MAX_HEADER_BYTES,
  type SafetensorsDtype,
  type SafetensorsFile,
  type SafetensorsTensor,
} from './safetensors-file.js';

const OWNER = 'readSafetensors';
const METADATA_KEY = '__metadata__';

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/**
 * The first key that appears twice in one object of a valid JSON text, or undefined.
 * `JSON.parse` silently keeps the last of duplicate keys, which would hide a tensor.
 */
function duplicateKey(text: string): string | undefined {
  // One set of keys per open object; null for arrays.
  const stack: (Set<string> | null)[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let j = i + 1;
      let escaped = false;
      for (;;) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) {
          escaped = true;
          j += 2;
        } else if (d === 0x22) break;
        else j++;
      }
      const keys = stack[stack.length - 1];
      if (keys) {
        let k = j + 1;
        while (isJsonSpace(text.charCodeAt(k))) k++;
        if (text.charCodeAt(k) === 0x3a) {
          const key = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
          if (keys.has(key)) return key;
          keys.add(key);
        }
      }
      i = j + 1;
    } else {
      if (c === 0x7b) stack.push(new Set());
      else if (c === 0x5b) stack.push(null);
      else if (c === 0x7d || c === 0x5d) stack.pop();
      i++;
    }
  }
  return undefined;
}

function offsetPair(name: string, value: unknown): [number, number] {
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !value.every((v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)
  ) {
    fail(
      OWNER,
      `tensor ${show(name)}: data_offsets must be [begin, end], two non-negative integers, got ${show(value)}`,
    );
  }
  const [begin, end] = value as [number, number];
  if (end < begin) {
    fail(OWNER, `tensor ${show(name)}: data_offsets [${begin}, ${end}] end before they begin`);
  }
  return [begin, end];
}

/** A parsed header entry: a {@link SafetensorsIndexEntry} whose `begin`/`end` are still relative to the data section. */
type Entry = SafetensorsIndexEntry;

function parseEntry(name: string, info: unknown): Entry {
  if (!isPlainObject(info)) {
    fail(
      OWNER,
      `tensor ${show(name)} must be described by {dtype, shape, data_offsets}, got ${show(info)}`,
    );
  }
  const dtype = info.dtype;
  if (typeof dtype !== 'string' || !KNOWN_DTYPES.includes(dtype)) {
    fail(OWNER, `tensor ${show(name)} has unknown dtype ${show(dtype)}`);
  }
  if (!(dtype in DTYPE_BYTES)) {
    fail(
      OWNER,
      `tensor ${show(name)} has dtype ${dtype}, which tiedformer does not decode (it reads F32, F16 and BF16)`,
    );
  }
  const shape = info.shape;
  checkSafetensorsShape(OWNER, name, shape, show);
  let elements = 1;
  for (const dim of shape as number[]) elements *= dim;
  if (!Number.isSafeInteger(elements)) {
    fail(OWNER, `tensor ${show(name)}: shape ${show(shape)} has too many elements (${elements})`);
  }
  const [begin, end] = offsetPair(name, info.data_offsets);
  const bytes = elements * DTYPE_BYTES[dtype as SafetensorsDtype];
  if (end - begin !== bytes) {
    fail(
      OWNER,
      `tensor ${show(name)}: shape ${show(shape)} of ${dtype} needs ${bytes} bytes, but data_offsets [${begin}, ${end}] span ${end - begin}`,
    );
  }
  return {
    name,
    dtype: dtype as SafetensorsDtype,
    shape: [...(shape as number[])],
    elements,
    begin,
    end,
  };
}

function parseMetadata(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) {
    fail(OWNER, `${METADATA_KEY} must be an object of strings, got ${show(value)}`);
  }
  const metadata: Record<string, string> = {};
  for (const [key, text] of Object.entries(value)) {
    if (typeof text !== 'string') {
      fail(OWNER, `${METADATA_KEY} values must be strings, got ${show(key)}: ${show(text)}`);
    }
    // defineProperty: a key "__proto__" must become data, not a prototype assignment.
    Object.defineProperty(metadata, key, {
      value: text,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return metadata;
}

/** The 16-bit words of `bytes[start, start + 2n)`, viewed in place when aligned. */
function words(bytes: Uint8Array, start: number, n: number): Uint16Array {
  const offset = bytes.byteOffset + start;
  if (offset % 2 === 0) return new Uint16Array(bytes.buffer, offset, n);
  return new Uint16Array(bytes.slice(start, start + 2 * n).buffer);
}

function decode(bytes: Uint8Array, entry: SafetensorsIndexEntry): Float32Array {
  const n = entry.elements;
  const from = entry.begin;
  // slice() copies into a fresh, aligned buffer: the result never aliases the input.
  if (entry.dtype === 'F32') return new Float32Array(bytes.slice(from, from + 4 * n).buffer);
  const out = new Float32Array(n);
  if (entry.dtype === 'BF16') return bfloat16ToFloat32(words(bytes, from, n), out);
  return float16ToFloat32(words(bytes, from, n), out);
}

/** A tensor's place in a safetensors file, its header checked. @internal */
export interface SafetensorsIndexEntry {
  /** Tensor name. */
  name: string;
  /** Element type in the file. */
  dtype: SafetensorsDtype;
  /** Dimensions, outermost first. */
  shape: number[];
  /** Number of elements. */
  elements: number;
  /** First byte of the tensor's data in the file (absolute). */
  begin: number;
  /** One past its last byte (absolute). */
  end: number;
}

/** A safetensors file's header, checked against the file's size; no tensor decoded yet. @internal */
export interface SafetensorsIndex {
  /** The tensors in file order, with absolute byte ranges. */
  entries: SafetensorsIndexEntry[];
  /** The header's `__metadata__`. */
  metadata: Record<string, string>;
}

/**
 * The header length `N` from a safetensors file's first 8 bytes, checked against the
 * reference limit and the file's `size`. @internal
 */
export function safetensorsHeaderLength(first: Uint8Array, size: number): number {
  if (!HOST_IS_LITTLE_ENDIAN) fail(OWNER, 'big-endian hosts are not supported');
  if (size < 8) {
    fail(
      OWNER,
      `the file is ${size} bytes, shorter than the 8-byte header length: truncated or not a safetensors file`,
    );
  }
  const view = new DataView(first.buffer, first.byteOffset, 8);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) {
    fail(
      OWNER,
      `header length ${headerLength} exceeds the ${MAX_HEADER_BYTES}-byte limit of the reference implementation: not a safetensors file?`,
    );
  }
  const n = Number(headerLength);
  if (8 + n > size) {
    fail(
      OWNER,
      `header length ${n} runs past the end of the ${size}-byte file (8 + ${n} > ${size}): truncated?`,
    );
  }
  return n;
}

/**
 * Checks a safetensors file's header and lays out its tensors, from the file's first
 * `8 + N` bytes (`prefix`, at least that long) and its total `size`: everything
 * {@link readSafetensors} checks but the decoding, so a reader can fetch each tensor's bytes
 * on its own (streaming from disk). @internal
 */
export function indexSafetensors(prefix: Uint8Array, size: number): SafetensorsIndex {
  const n = safetensorsHeaderLength(prefix, size);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(prefix.subarray(8, 8 + n));
  } catch {
    fail(OWNER, 'the header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    fail(OWNER, `the header is not valid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(header)) fail(OWNER, `the header must be a JSON object, got ${show(header)}`);
  const duplicate = duplicateKey(text);
  if (duplicate !== undefined) fail(OWNER, `the header has the key ${show(duplicate)} twice`);

  const metadata = parseMetadata(header[METADATA_KEY]);
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name !== METADATA_KEY) entries.push(parseEntry(name, info));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  let previous: Entry | undefined;
  for (const entry of entries) {
    if (entry.begin !== expected) {
      const after = previous
        ? `tensor ${show(previous.name)} ends at ${expected}`
        : 'data begins at 0';
      const problem =
        entry.begin > expected
          ? `a gap of ${entry.begin - expected} bytes`
          : `an overlap of ${expected - entry.begin} bytes`;
      fail(
        OWNER,
        `tensor ${show(entry.name)} starts at byte ${entry.begin} but ${after}: ${problem} (data_offsets must tile the data section)`,
      );
    }
    expected = entry.end;
    previous = entry;
  }
  const dataBytes = size - 8 - n;
  if (expected > dataBytes) {
    fail(
      OWNER,
      `the tensors need ${expected} bytes of data but the file holds ${dataBytes} after its header: truncated?`,
    );
  }
  if (expected < dataBytes) {
    fail(
      OWNER,
      `the file holds ${dataBytes - expected} bytes after the last tensor's data (data_offsets must cover the data section)`,
    );
  }

  const start = 8 + n;
  return {
    entries: entries.map((e) => ({ ...e, begin: start + e.begin, end: start + e.end })),
    metadata,
  };
}

/** Decodes one tensor of `bytes` (the whole file) to a fresh float32 array. @internal */
export function decodeSafetensor(bytes: Uint8Array, entry: SafetensorsIndexEntry): Float32Array {
  try {
    return decode(bytes, entry);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return fail(
      OWNER,
      `cannot allocate ${4 * entry.elements} bytes for tensor ${show(entry.name)} (shape ${show(entry.shape)}): ${error.message}`,
    );
  }
}

/**
 * Parses a safetensors file (the format of Hugging Face checkpoints) and decodes every
 * tensor to float32. Platform-neutral: give it the file's bytes (from `fs.readFile`,
 * `fetch(...).arrayBuffer()`, a `File`...).
 *
 * Layout: an unsigned 64-bit little-endian header length `N`, `N` bytes of UTF-8 JSON
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: { key: string } }`,
 * then the data section, which the tensors' `data_offsets` (relative to its start) must
 * tile from 0 to its end with no gap or overlap. F32, F16 and BF16 tensors decode exactly.
 *
 * Rejects, with a message that names the tensor and the bad value: a file shorter than
 * 8 bytes, a header length over the reference implementation's 100,000,000-byte limit or
 * beyond the end of the file, a header that is not UTF-8 JSON or not an object, duplicate
 * keys, non-string metadata, unknown or unsupported dtypes, malformed shapes or offsets,
 * a shape whose size disagrees with its offsets, gaps, overlaps, and a data section that
 * is shorter (truncated file) or longer than the tensors.
 *
 * @param file - The whole file's bytes.
 * @returns The tensors by name, in file order, and the header's metadata.
 * @example
 * ```ts
 * import { readSafetensors, writeSafetensors } from 'tiedformer/interop';
 * const bytes = writeSafetensors({ 'model.norm.weight': { shape: [4], data: new Float32Array(4).fill(1) } });
 * const { tensors, metadata } = readSafetensors(bytes);
 * console.log(tensors.get('model.norm.weight')?.shape, metadata); // [4] { format: 'pt' }
 * ```
 */
export function readSafetensors(file: Uint8Array | ArrayBuffer): SafetensorsFile {
  if (!(file instanceof Uint8Array) && !(file instanceof ArrayBuffer)) {
    fail(OWNER, `expected the file's bytes as a Uint8Array or ArrayBuffer, got ${String(file)}`);
  }
  // A plain view: subclasses may redefine slice() (Node's Buffer#slice returns a view, not a copy).
  const bytes =
    file instanceof ArrayBuffer
      ? new Uint8Array(file)
      : new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  const { entries, metadata } = indexSafetensors(bytes, bytes.byteLength);
  const tensors = new Map<string, SafetensorsTensor>();
  for (const entry of entries) {
    const data = decodeSafetensor(bytes, entry);
    tensors.set(entry.name, { dtype: entry.dtype, shape: entry.shape, data });
  }
  return { tensors, metadata };
}
