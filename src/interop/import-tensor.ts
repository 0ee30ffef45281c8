import { transpose2d } from '../backend/transpose-2d.js';
import { decodeSafetensor, type SafetensorsIndexEntry } from './read-safetensors.js';
import type { SafetensorsDtype } from './safetensors-file.js';

/**
 * One tensor of a checkpoint on its way into a model, in whatever form its reader holds it;
 * the import asks for the form it needs, so no reader makes a copy nobody uses.
 * @internal
 */
export interface ImportTensor {
  /** Element type in the file. */
  dtype: SafetensorsDtype;
  /** Shape in the file (Hugging Face layout). */
  shape: number[];
  /** The elements in file layout, to read only (it may alias the file's bytes). */
  values(): Float32Array;
  /** The elements in file layout, in an array the model may keep (never the file's bytes). */
  owned(): Float32Array;
  /** A 2-D tensor's elements transposed (`[cols, rows]`), in an array the model may keep. */
  transposed(): Float32Array;
}

/** A tensor of a whole file held in memory (`bytes`, the caller's: never handed to the model). @internal */
export function memoryImportTensor(bytes: Uint8Array, entry: SafetensorsIndexEntry): ImportTensor {
  const { dtype, shape, elements, begin } = entry;
  const values = () =>
    // f32 little-endian data is read in place when aligned (the header pads to 8 bytes).
    dtype === 'F32' && (bytes.byteOffset + begin) % 4 === 0
      ? new Float32Array(bytes.buffer, bytes.byteOffset + begin, elements)
      : decodeSafetensor(bytes, entry);
  return {
    dtype,
    shape,
    values,
    owned: () => decodeSafetensor(bytes, entry),
    transposed: () => transpose2d(values(), shape[0] as number, shape[1] as number),
  };
}

/** A tensor already decoded into an array of its own (the model may keep it). @internal */
export function ownedImportTensor(
  dtype: SafetensorsDtype,
  shape: number[],
  data: Float32Array,
): ImportTensor {
  return {
    dtype,
    shape,
    values: () => data,
    owned: () => data,
    transposed: () => transpose2d(data, shape[0] as number, shape[1] as number),
  };
}

/**
 * A 2-D tensor its reader already transposed (while the next one was being read): `data`
 * holds `[cols, rows]` of the file's `[rows, cols]`. @internal
 */
export function transposedImportTensor(
  dtype: SafetensorsDtype,
  shape: [number, number],
  data: Float32Array,
): ImportTensor {
  const values = () => transpose2d(data, shape[1], shape[0]);
  return { dtype, shape, values, owned: values, transposed: () => data };
}
