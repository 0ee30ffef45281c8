import { fail } from '../analysis/validation.js';
import { checkSafetensorsShape } from './check-safetensors-shape.js';
import { MAX_HEADER_BYTES } from './safetensors-file.js';

/** One tensor as the header of a safetensors file describes it. @internal */
export interface SafetensorsLayoutEntry {
  /** Tensor name in the file. */
  name: string;
  /** Dimensions, outermost first. */
  shape: readonly number[];
}

/** Where everything goes in a safetensors file, before any tensor data is written. @internal */
export interface SafetensorsLayout<T extends SafetensorsLayoutEntry> {
  /** The file's first bytes: the u64 little-endian header length and the space-padded JSON header. */
  head: Uint8Array;
  /** The entries in file order (sorted by name), each with its byte range in the data section. */
  entries: { entry: T; elements: number; begin: number; end: number }[];
  /** Size of the data section in bytes (the file is `head.length + dataBytes` bytes). */
  dataBytes: number;
}

/**
 * Lays out a safetensors file: sorts the tensors by name (as the reference implementation
 * does, which makes the output deterministic), assigns contiguous `data_offsets`, and encodes
 * the header padded with spaces to a multiple of 8 bytes so every tensor's data is aligned.
 * Shared by {@link writeSafetensors} (one buffer) and the streaming writer of
 * `saveHuggingFace`, so both produce the same bytes.
 * @throws RangeError (prefixed with `owner`) for a non-string or reserved name, a malformed
 *   shape, or a header over the reference implementation's 100,000,000-byte limit.
 * @internal
 */
export function safetensorsLayout<T extends SafetensorsLayoutEntry>(
  owner: string,
  tensors: readonly T[],
  dtype: 'F32' | 'BF16',
  metadata: Record<string, string>,
  show: (value: unknown) => string,
): SafetensorsLayout<T> {
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const elementBytes = dtype === 'F32' ? 4 : 2;
  const parts: string[] = [];
  if (Object.keys(metadata).length > 0) parts.push(`"__metadata__":${JSON.stringify(metadata)}`);
  const entries: SafetensorsLayout<T>['entries'] = [];
  let offset = 0;
  for (const entry of sorted) {
    const { name, shape } = entry;
    if (typeof name !== 'string') fail(owner, `tensor names must be strings, got ${show(name)}`);
    if (name === '__metadata__') fail(owner, 'the tensor name "__metadata__" is reserved');
    checkSafetensorsShape(owner, name, shape, show);
    const elements = shape.reduce((a, b) => a * b, 1);
    const end = offset + elements * elementBytes;
    parts.push(
      `${JSON.stringify(name)}:{"dtype":"${dtype}","shape":[${shape.join(',')}],"data_offsets":[${offset},${end}]}`,
    );
    entries.push({ entry, elements, begin: offset, end });
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  if (headerLength > MAX_HEADER_BYTES) {
    fail(
      owner,
      `the header would be ${headerLength} bytes, over the ${MAX_HEADER_BYTES}-byte limit of the reference implementation`,
    );
  }
  const head = new Uint8Array(8 + headerLength);
  new DataView(head.buffer).setUint32(0, headerLength, true); // the high 32 bits stay 0 (≤ 1e8)
  head.set(json, 8);
  head.fill(0x20, 8 + json.length);
  return { head, entries, dataBytes: offset };
}
