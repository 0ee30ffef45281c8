import * as tf from '@tensorflow/tfjs';
import { fail, oneOf } from '../analysis/validation.js';
import { transpose2d } from '../backend/transpose-2d.js';
import type { CausalLMOptions } from '../models/causal-lm-options.js';
import { describeCausalLM } from './describe-causal-lm.js';
import type { HuggingFaceArchitecture, HuggingFaceConfig } from './hugging-face-architecture.js';
import { huggingFaceArchitectures } from './hugging-face-architectures.js';
import {
  concatTensor,
  type ExportTensor,
  encodeTensor,
  type HuggingFaceExport,
  huggingFaceExport,
  largestConverted,
  sameTensor,
  transposedTensor,
  type WeightValues,
} from './hugging-face-export.js';
import { modelWeight } from './model-weight.js';

const OWNER = 'toHuggingFace';

/**
 * The files of a Hugging Face model directory, by file name (`config.json`,
 * `model.safetensors`, ...), as bytes. {@link fromHuggingFace} also accepts text for the JSON
 * files.
 *
 * @example
 * ```ts
 * import type { HuggingFaceFiles } from 'tiedformer/interop';
 * const files: HuggingFaceFiles = { 'config.json': new TextEncoder().encode('{}') };
 * ```
 */
export type HuggingFaceFiles = Record<string, Uint8Array>;

/**
 * Options of {@link toHuggingFace}.
 *
 * @example
 * ```ts
 * import type { ToHuggingFaceOptions } from 'tiedformer/interop';
 * const opts: ToHuggingFaceOptions = { architecture: 'LlamaForCausalLM', dtype: 'BF16' };
 * ```
 */
export interface ToHuggingFaceOptions {
  /** Target class (`'LlamaForCausalLM'`, ...). Default: the first of {@link huggingFaceArchitectures} that can express the model. */
  architecture?: string;
  /** Element type of the weights: `'F32'` (exact) or `'BF16'` (round-to-nearest-even). Default `'F32'`. */
  dtype?: 'F32' | 'BF16';
  /**
   * Export a `'shuffled'` or `'ortho'` head, which no Hugging Face class has, as an explicit
   * untied `lm_head.weight` (its effective matrix): the tie is lost, and a warning says so.
   * Default `false`: such heads are refused.
   */
  untieHead?: boolean;
  /** Receives warnings (the lost tie). Default `console.warn`. */
  onWarning?: (message: string) => void;
  /** `max_position_embeddings` of a rotary model's config (informational for RoPE models). Default `2048`. */
  maxPositionEmbeddings?: number;
}

function pickArchitecture(opts: CausalLMOptions, name: string | undefined, max: number) {
  if (name !== undefined) {
    const arch = huggingFaceArchitectures.find((a) => a.architecture === name);
    if (!arch)
      fail(
        OWNER,
        `architecture must be one of ${huggingFaceArchitectures.map((a) => JSON.stringify(a.architecture)).join(', ')}, got ${JSON.stringify(name)}`,
      );
    return { arch, config: arch.toConfig(opts, max) };
  }
  const reasons: string[] = [];
  for (const arch of huggingFaceArchitectures) {
    try {
      return { arch, config: arch.toConfig(opts, max) };
    } catch (error) {
      reasons.push((error as Error).message);
    }
  }
  return fail(OWNER, `no supported architecture can express this model: ${reasons.join('; ')}`);
}

/** The `[n, d]` matrix `W` with `logits = h·Wᵀ` of a linear head: the head applied to `I_d`. */
async function effectiveHeadMatrix(model: tf.LayersModel, d: number): Promise<Float32Array> {
  const head = model.outputs[0]?.sourceLayer as tf.layers.Layer;
  const columns = tf.tidy(() => head.apply(tf.eye(d)) as tf.Tensor); // [d, n] = Wᵀ
  const n = columns.shape[1] as number;
  const values = (await columns.data()) as Float32Array;
  columns.dispose();
  return transpose2d(values, d, n);
}

/**
 * Exports a model built by {@link tiedformer!createCausalLM} as the files of a Hugging Face model
 * directory: `config.json` and `model.safetensors` (weights by Hugging Face name, every
 * `nn.Linear` as `[out, in]`). A tied model is written tied (`tie_word_embeddings: true`, no
 * `lm_head.weight`), an untied one untied; `'shuffled'` and `'ortho'` heads are refused
 * unless `untieHead` asks for an explicit untied head. Reads the weights with `await
 * data()`; the model is not changed.
 *
 * @param model - A model made by `createCausalLM` (or loaded from its saved form).
 * @param options - Target architecture, dtype, head policy.
 * @returns The files, by name.
 * @throws RangeError when no supported architecture expresses the model (naming the option
 *   that each one cannot express), or for a head with no Hugging Face equivalent.
 * @example
 * ```ts
 * import { createCausalLM } from 'tiedformer';
 * import { toHuggingFace } from 'tiedformer/interop';
 * const model = createCausalLM({
 *   vocabSize: 100, hiddenSize: 16, numLayers: 2, numHeads: 2, intermediateSize: 32,
 *   head: 'tied', activation: 'swiglu',
 * });
 * const files = await toHuggingFace(model); // LlamaForCausalLM, tied
 * Object.keys(files); // ['config.json', 'model.safetensors']
 * ```
 */
export async function toHuggingFace(
  model: tf.LayersModel,
  options: ToHuggingFaceOptions = {},
): Promise<HuggingFaceFiles> {
  const prepared = await prepareHuggingFaceExport(model, options);
  const { layout, dtype } = prepared;
  const size = layout.head.length + layout.dataBytes;
  let out: Uint8Array;
  try {
    out = new Uint8Array(size);
  } catch (error) {
    return fail(
      OWNER,
      `cannot allocate ${size} bytes (${(size / 2 ** 30).toFixed(2)} GiB) for model.safetensors (${(error as Error).message}): in Node, saveHuggingFace streams the file instead`,
    );
  }
  out.set(layout.head);
  let scratch: Float32Array | undefined;
  const start = layout.head.length;
  // Every tensor is converted straight into its place in the file: no intermediate copies.
  for (const { entry, elements, begin, end } of layout.entries) {
    const source = await entry.source();
    encodeTensor(source, elements, dtype, out.subarray(start + begin, start + end), () => {
      scratch ??= new Float32Array(largestConverted(layout));
      return scratch;
    });
  }
  return { 'config.json': prepared.config, 'model.safetensors': out };
}

/**
 * Everything {@link toHuggingFace} checks and decides, up to the bytes of the tensors: the
 * `config.json`, and the safetensors header with each tensor's conversion pending (so a
 * writer can stream the file). Reads the weights with `await data()`.
 * @internal
 */
export async function prepareHuggingFaceExport(
  model: tf.LayersModel,
  options: ToHuggingFaceOptions = {},
): Promise<HuggingFaceExport> {
  const dtype = oneOf(OWNER, 'dtype', options.dtype ?? 'F32', ['F32', 'BF16'] as const);
  const opts = describeCausalLM(model);
  if (opts.headBias)
    fail(OWNER, 'cannot export a logit bias (headBias): these architectures have none');
  if (opts.logitSoftCap !== undefined)
    fail(OWNER, 'cannot export logitSoftCap: these architectures have no final soft cap');
  let untiedMatrix: Float32Array | undefined;
  if (opts.head === 'shuffled' || opts.head === 'ortho') {
    if (!options.untieHead)
      fail(
        OWNER,
        `head '${opts.head}' has no Hugging Face equivalent; pass untieHead: true to export its effective matrix as an untied lm_head.weight (the tie is then lost)`,
      );
    const head = model.outputs[0]?.sourceLayer?.getConfig() ?? {};
    if (opts.head === 'ortho' && (head.useBias || head.norm || head.activation !== 'linear'))
      fail(
        OWNER,
        `head 'ortho' with a bias, norm or activation is not linear: no lm_head.weight expresses it`,
      );
    (options.onWarning ?? console.warn)(
      `[${OWNER}] head '${opts.head}' exported as an explicit untied lm_head.weight: the tie to the token embedding is lost (a ${opts.vocabSize}×${opts.hiddenSize} copy), and training in PyTorch will update the two matrices separately`,
    );
    untiedMatrix = await effectiveHeadMatrix(model, opts.hiddenSize);
    opts.head = 'untied';
  }
  const max = options.maxPositionEmbeddings ?? 2048;
  const { arch, config } = pickArchitecture(opts, options.architecture, max);
  const tied = opts.head === 'tied';
  const fullConfig: HuggingFaceConfig = {
    ...config,
    tie_word_embeddings: tied,
    torch_dtype: dtype === 'BF16' ? 'bfloat16' : 'float32',
  };
  const tensors = exportWeights(model, arch, opts);
  if (!tied) {
    if (untiedMatrix) {
      const matrix = untiedMatrix;
      tensors.push(
        sameTensor('lm_head.weight', [opts.vocabSize, opts.hiddenSize], async () => ({
          data: matrix,
          transient: false,
        })),
      );
    } else {
      const kernel = modelWeight(OWNER, model, 'lm_head/kernel');
      tensors.push(
        transposedTensor('lm_head.weight', [opts.hiddenSize, opts.vocabSize], () =>
          valuesOf(kernel),
        ),
      );
    }
  }
  const configBytes = new TextEncoder().encode(`${JSON.stringify(fullConfig, null, 2)}\n`);
  return huggingFaceExport(OWNER, configBytes, dtype, tensors);
}

/** The wasm backend's view of a tensor in its heap (tfjs-backend-wasm's `typedArrayFromHeap`). */
type HeapViewer = { typedArrayFromHeap?: (info: tf.TensorInfo) => Float32Array };

/**
 * A weight's elements without a copy where the backend allows: on cpu `data()` is the
 * weight's own array; on wasm a view of the heap (what `data()` would copy into fresh
 * memory), valid until the next tfjs operation; elsewhere `await data()`.
 */
async function valuesOf(weight: tf.LayerVariable): Promise<WeightValues> {
  const tensor = weight.read();
  if (tf.getBackend() === 'wasm') {
    const backend = tf.backend() as unknown as HeapViewer;
    const view = backend.typedArrayFromHeap?.(tensor);
    if (view instanceof Float32Array && view.length === tensor.size)
      return { data: view, transient: true };
  }
  return { data: (await tensor.data()) as Float32Array, transient: false };
}

function exportWeights(
  model: tf.LayersModel,
  arch: HuggingFaceArchitecture,
  opts: CausalLMOptions,
): ExportTensor[] {
  const tensors: ExportTensor[] = [];
  for (const row of arch.weights(opts)) {
    // Every weight is found now (errors before anything is written), read when written.
    const parts = row.paths.map((path) => modelWeight(OWNER, model, path));
    const shapes = parts.map((w) => [...w.shape] as number[]);
    const shape = shapes[0] as number[];
    const first = parts[0] as tf.LayerVariable;
    if (row.layout === 'same') tensors.push(sameTensor(row.name, shape, () => valuesOf(first)));
    else if (row.layout === 'transpose')
      tensors.push(transposedTensor(row.name, shape as [number, number], () => valuesOf(first)));
    else tensors.push(concatTensor(row.name, shapes, () => Promise.all(parts.map(valuesOf))));
  }
  return tensors;
}
