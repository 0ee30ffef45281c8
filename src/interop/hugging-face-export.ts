import { transpose2d } from '../backend/transpose-2d.js';
import { float32ToBfloat16 } from './half-precision.js';
import { type SafetensorsLayout, safetensorsLayout } from './safetensors-layout.js';

/** A tensor's elements in hand, ready to be encoded. @internal */
export interface ExportSource {
  /** The elements as they are, when the layouts agree (no conversion, no copy). */
  direct?: Float32Array;
  /**
   * `direct` views the backend's memory (the wasm heap) and is valid only until the next
   * tfjs operation: encode it at once, never hand it to an asynchronous write.
   */
  transient?: boolean;
  /** Writes the elements in Hugging Face layout into `out` (exactly their count). */
  fill(out: Float32Array): void;
}

/**
 * One tensor of an export, not yet read: its Hugging Face name and shape, and how to get
 * its elements. Reading is deferred to the moment the tensor is written, so a backend whose
 * `data()` copies (wasm, webgl) holds one tensor's copy at a time, and on a stream that copy
 * overlaps the write of the previous tensor.
 * @internal
 */
export interface ExportTensor {
  /** Hugging Face name (`model.layers.0.self_attn.q_proj.weight`). */
  name: string;
  /** Hugging Face shape. */
  shape: number[];
  /** Whether the elements need no conversion (then {@link ExportSource.direct} is set). */
  sameLayout: boolean;
  /** Reads the weight(s) (`await data()`, or a view of the wasm heap). */
  source(): Promise<ExportSource>;
}

/** A weight's elements: its own array, a copy, or a transient view of the wasm heap. @internal */
export interface WeightValues {
  /** The elements, row-major. */
  data: Float32Array;
  /** Whether `data` is a view valid only until the next tfjs operation. */
  transient: boolean;
}

/** A model ready to be written as a Hugging Face directory (see {@link toHuggingFace}). @internal */
export interface HuggingFaceExport {
  /** The bytes of `config.json`. */
  config: Uint8Array;
  /** Element type of `model.safetensors`. */
  dtype: 'F32' | 'BF16';
  /** Header and tensor order of `model.safetensors`. */
  layout: SafetensorsLayout<ExportTensor>;
}

/** A tensor that is its tfjs weight's values unchanged. @internal */
export function sameTensor(
  name: string,
  shape: number[],
  read: () => Promise<WeightValues>,
): ExportTensor {
  return {
    name,
    shape,
    sameLayout: true,
    source: async () => {
      const { data, transient } = await read();
      return { direct: data, transient, fill: (out) => out.set(data) };
    },
  };
}

/** `nn.Linear.weight [out, in]` from a tfjs kernel `[in, out]` (or the reverse). @internal */
export function transposedTensor(
  name: string,
  [rows, cols]: [number, number],
  read: () => Promise<WeightValues>,
): ExportTensor {
  return {
    name,
    shape: [cols, rows],
    sameLayout: false,
    source: async () => {
      const { data } = await read();
      return { fill: (out) => transpose2d(data, rows, cols, out) };
    },
  };
}

/** Row-major tensors that agree on every axis but the last, concatenated along it. @internal */
export function concatTensor(
  name: string,
  shapes: number[][],
  read: () => Promise<WeightValues[]>,
): ExportTensor {
  const widths = shapes.map((s) => s[s.length - 1] as number);
  const total = widths.reduce((a, b) => a + b, 0);
  return {
    name,
    shape: [...(shapes[0] as number[]).slice(0, -1), total],
    sameLayout: false,
    source: async () => {
      const values = (await read()).map((v) => v.data);
      const rows = (values[0] as Float32Array).length / (widths[0] as number);
      return {
        fill(out) {
          let offset = 0;
          for (const [i, part] of values.entries()) {
            const w = widths[i] as number;
            for (let r = 0; r < rows; r++)
              out.set(part.subarray(r * w, (r + 1) * w), r * total + offset);
            offset += w;
          }
        },
      };
    },
  };
}

/** Lays out `model.safetensors` for these tensors (header in hand, no tensor data yet). @internal */
export function huggingFaceExport(
  owner: string,
  config: Uint8Array,
  dtype: 'F32' | 'BF16',
  tensors: ExportTensor[],
): HuggingFaceExport {
  const layout = safetensorsLayout(owner, tensors, dtype, { format: 'pt' }, String);
  return { config, dtype, layout };
}

/**
 * Encodes one tensor into `out`, its bytes in the file (`elements × 4` for F32, `× 2` for
 * BF16; `out.byteOffset` a multiple of 4). For BF16 a converted tensor passes through
 * `scratch`, a float32 array of at least its size.
 * @internal
 */
export function encodeTensor(
  tensor: ExportSource,
  elements: number,
  dtype: 'F32' | 'BF16',
  out: Uint8Array,
  scratch: () => Float32Array,
): void {
  if (tensor.transient && tensor.direct && tensor.direct.length !== elements)
    // A view of the wasm heap is detached (length 0) once the heap grows.
    throw new Error(
      '[toHuggingFace] the wasm heap changed while the model was being exported: run no tfjs operation until the export is done',
    );
  if (dtype === 'F32') {
    const view = new Float32Array(out.buffer, out.byteOffset, elements);
    if (tensor.direct) view.set(tensor.direct);
    else tensor.fill(view);
    return;
  }
  const bits = new Uint16Array(out.buffer, out.byteOffset, elements);
  if (tensor.direct) float32ToBfloat16(tensor.direct, bits);
  else {
    const values = scratch().subarray(0, elements);
    tensor.fill(values);
    float32ToBfloat16(values, bits);
  }
}

/**
 * Largest element count among the tensors that need a conversion (the scratch size);
 * with `all`, among every tensor. @internal
 */
export function largestConverted(layout: SafetensorsLayout<ExportTensor>, all = false): number {
  let most = 0;
  for (const { entry, elements } of layout.entries)
    if ((all || !entry.sameLayout) && elements > most) most = elements;
  return most;
}
