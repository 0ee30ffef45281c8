import * as tf from '@tensorflow/tfjs';
import { fail, oneOf } from '../analysis/validation.js';
import type { CausalLMOptions } from '../models/causal-lm-options.js';
import { describeCausalLM } from './describe-causal-lm.js';
import type { HuggingFaceArchitecture, HuggingFaceConfig } from './hugging-face-architecture.js';
import { huggingFaceArchitectures } from './hugging-face-architectures.js';
import { modelWeight } from './model-weight.js';
import { transpose2d } from './transpose-2d.js';
import { writeSafetensors } from './write-safetensors.js';

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
  const tensors = await exportWeights(model, arch, opts);
  if (!tied) {
    const data =
      untiedMatrix ??
      transpose2d(
        (await modelWeight(OWNER, model, 'lm_head/kernel').read().data()) as Float32Array,
        opts.hiddenSize,
        opts.vocabSize,
      );
    tensors.set('lm_head.weight', { shape: [opts.vocabSize, opts.hiddenSize], data });
  }
  return {
    'config.json': new TextEncoder().encode(`${JSON.stringify(fullConfig, null, 2)}\n`),
    'model.safetensors': writeSafetensors(tensors, { dtype, metadata: { format: 'pt' } }),
  };
}

async function exportWeights(
  model: tf.LayersModel,
  arch: HuggingFaceArchitecture,
  opts: CausalLMOptions,
): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const row of arch.weights(opts)) {
    const parts = row.paths.map((path) => modelWeight(OWNER, model, path));
    const values = await Promise.all(
      parts.map(async (w) => (await w.read().data()) as Float32Array),
    );
    const shapes = parts.map((w) => w.shape as number[]);
    const shape = shapes[0] as number[];
    if (row.layout === 'same') tensors.set(row.name, { shape, data: values[0] as Float32Array });
    else if (row.layout === 'transpose') {
      const [rows, cols] = shape as [number, number];
      tensors.set(row.name, {
        shape: [cols, rows],
        data: transpose2d(values[0] as Float32Array, rows, cols),
      });
    } else tensors.set(row.name, concatLastAxis(shapes, values));
  }
  return tensors;
}

/** Concatenates row-major tensors that agree on every axis but the last. */
function concatLastAxis(
  shapes: number[][],
  values: Float32Array[],
): { shape: number[]; data: Float32Array } {
  const widths = shapes.map((s) => s[s.length - 1] as number);
  const total = widths.reduce((a, b) => a + b, 0);
  const rows = (values[0] as Float32Array).length / (widths[0] as number);
  const out = new Float32Array(rows * total);
  let offset = 0;
  for (const [i, part] of values.entries()) {
    const w = widths[i] as number;
    for (let r = 0; r < rows; r++) out.set(part.subarray(r * w, (r + 1) * w), r * total + offset);
    offset += w;
  }
  return { shape: [...(shapes[0] as number[]).slice(0, -1), total], data: out };
}
