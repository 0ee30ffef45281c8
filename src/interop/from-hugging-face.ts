import * as tf from '@tensorflow/tfjs';
import { countParams } from '../analysis/count-params.js';
import { fail } from '../analysis/validation.js';
import { verifyTie } from '../diagnostics/verify-tie.js';
import { withZeroInit } from '../layers/zero-init.js';
import { type CausalLMOptions, causalLMConfig } from '../models/causal-lm-options.js';
import { createCausalLM } from '../models/create-causal-lm.js';
import { checkWasmHeap } from './check-wasm-heap.js';
import type { HuggingFaceArchitecture, HuggingFaceConfig } from './hugging-face-architecture.js';
import { huggingFaceArchitectures } from './hugging-face-architectures.js';
import { type ImportTensor, memoryImportTensor } from './import-tensor.js';
import { modelWeight } from './model-weight.js';
import { indexSafetensors } from './read-safetensors.js';

const OWNER = 'fromHuggingFace';
const INDEX_NAME = 'model.safetensors.index.json';

/**
 * Options of {@link fromHuggingFace}.
 *
 * @example
 * ```ts
 * import type { FromHuggingFaceOptions } from 'tiedformer/interop';
 * const opts: FromHuggingFaceOptions = { seqLen: 128, name: 'smollm' };
 * ```
 */
export interface FromHuggingFaceOptions {
  /** Fixed sequence length of the model's input, or `null` for any. Default `null`. */
  seqLen?: number | null;
  /** Model name. Default `'causal_lm'`. */
  name?: string;
}

function text(file: Uint8Array | string | undefined, name: string): string {
  if (file === undefined) return fail(OWNER, `the files have no ${name}`);
  return typeof file === 'string' ? file : new TextDecoder().decode(file);
}

function json(file: Uint8Array | string | undefined, name: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text(file, name));
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      fail(OWNER, `${name} must hold a JSON object`);
    return value;
  } catch (error) {
    if (error instanceof RangeError) throw error;
    return fail(OWNER, `${name} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Every tensor of the checkpoint: `model.safetensors`, or the shards its index names. */
function readTensors(files: Record<string, Uint8Array | string>): Map<string, ImportTensor> {
  const binary = (name: string) => {
    const file = files[name];
    if (!(file instanceof Uint8Array)) fail(OWNER, `the files have no ${name} (bytes)`);
    return file;
  };
  const tensorsOf = (file: Uint8Array) => {
    const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
    const { entries } = indexSafetensors(bytes, bytes.byteLength);
    return entries.map((entry) => [entry.name, memoryImportTensor(bytes, entry)] as const);
  };
  if (files['model.safetensors'] !== undefined)
    return new Map(tensorsOf(binary('model.safetensors')));
  if (files[INDEX_NAME] === undefined)
    fail(OWNER, `the files have neither model.safetensors nor ${INDEX_NAME}`);
  const weightMap = shardMap(files[INDEX_NAME]);
  const tensors = new Map<string, ImportTensor>();
  for (const shard of new Set(Object.values(weightMap))) {
    for (const [name, tensor] of tensorsOf(binary(shard))) {
      checkShard(weightMap, shard, name);
      tensors.set(name, tensor);
    }
  }
  checkShardsComplete(weightMap, tensors);
  return tensors;
}

/** The `weight_map` (tensor name → shard file) of `model.safetensors.index.json`. @internal */
export function shardMap(file: Uint8Array | string | undefined): Record<string, string> {
  const weightMap = json(file, INDEX_NAME).weight_map as Record<string, string>;
  if (typeof weightMap !== 'object' || weightMap === null)
    fail(OWNER, `${INDEX_NAME} has no weight_map`);
  return weightMap;
}

/** A shard must hold only the tensors the index puts in it. @internal */
export function checkShard(weightMap: Record<string, string>, shard: string, name: string): void {
  if (weightMap[name] !== shard)
    fail(OWNER, `${shard} holds ${name}, which ${INDEX_NAME} puts elsewhere`);
}

/** Every tensor the index lists must be in its shard. @internal */
export function checkShardsComplete(
  weightMap: Record<string, string>,
  tensors: { has(name: string): boolean },
): void {
  for (const name of Object.keys(weightMap))
    if (!tensors.has(name)) fail(OWNER, `${INDEX_NAME} lists ${name}, which its shard lacks`);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Builds a tiedformer model from the files of a Hugging Face model directory (`config.json`
 * and `model.safetensors`, or the shards of `model.safetensors.index.json`), for
 * `LlamaForCausalLM`, `Qwen2ForCausalLM`, `GemmaForCausalLM` and `GPT2LMHeadModel`. F32, F16
 * and BF16 weights are read as float32. The weights are mapped by layer path, never by tfjs
 * variable name.
 *
 * The tie never changes silently: a config with `tie_word_embeddings: true` gives a tied head
 * (one variable `E`; {@link verifyTie} is checked before returning), and a duplicate
 * `lm_head.weight` in such a file must equal `E` exactly; an untied config needs
 * `lm_head.weight`. Every tensor of the file must be used (known buffers aside).
 *
 * @param files - The directory's files by name (bytes; JSON files may be text).
 * @param options - Input length and model name.
 * @returns The model (int32 ids `[batch, seq]` → logits `[batch, seq, vocab]`).
 * @throws RangeError on an unsupported architecture or config field, a missing, unused or
 *   misshapen tensor, or a broken tie, naming it.
 * @example
 * ```ts
 * import { createCausalLM, verifyTie } from 'tiedformer';
 * import { fromHuggingFace, toHuggingFace } from 'tiedformer/interop';
 * const files = await toHuggingFace(createCausalLM({
 *   vocabSize: 100, hiddenSize: 16, numLayers: 2, numHeads: 2, intermediateSize: 32,
 *   head: 'tied', activation: 'swiglu',
 * }));
 * const model = fromHuggingFace(files);
 * verifyTie(model).tied; // true
 * ```
 */
export function fromHuggingFace(
  files: Record<string, Uint8Array | string>,
  options: FromHuggingFaceOptions = {},
): tf.LayersModel {
  if (typeof files !== 'object' || files === null)
    fail(OWNER, `files must be an object of file name → bytes, got ${String(files)}`);
  const plan = planHuggingFaceImport(files['config.json'], options);
  return buildFromHuggingFace(plan, readTensors(files));
}

/** What a `config.json` asks for: the architecture and the model's options. @internal */
export interface HuggingFaceImportPlan {
  /** The architecture's translation. */
  arch: HuggingFaceArchitecture;
  /** The options of the model to build. */
  opts: CausalLMOptions;
  /** File tensor names (canonical) whose elements the model holds transposed. */
  transposed: Set<string>;
}

/**
 * Reads `config.json` (bytes or text) and decides the model, before any tensor is read
 * (and, on wasm, refuses a model the heap cannot hold). @internal
 */
export function planHuggingFaceImport(
  configFile: Uint8Array | string | undefined,
  options: FromHuggingFaceOptions = {},
): HuggingFaceImportPlan {
  const config = json(configFile, 'config.json') as HuggingFaceConfig;
  const declared = Array.isArray(config.architectures) ? config.architectures[0] : undefined;
  const arch = huggingFaceArchitectures.find((a) =>
    declared === undefined ? a.modelType === config.model_type : a.architecture === declared,
  );
  if (!arch)
    fail(
      OWNER,
      `config.json: architecture ${JSON.stringify(declared ?? config.model_type)} is not supported (supported: ${huggingFaceArchitectures.map((a) => a.architecture).join(', ')})`,
    );
  const opts: CausalLMOptions = {
    ...arch.toOptions(config),
    ...(options.seqLen === undefined ? {} : { seqLen: options.seqLen }),
    ...(options.name === undefined ? {} : { name: options.name }),
  };
  checkWasmHeap(OWNER, countParams(causalLMConfig(opts)).total, tf.getBackend());
  const transposed = new Set(
    arch
      .weights(opts)
      .filter((row) => row.layout === 'transpose')
      .map((row) => row.name),
  );
  if (opts.head !== 'tied') transposed.add('lm_head.weight');
  return { arch, opts, transposed };
}

/**
 * Builds the model of `plan` from the checkpoint's tensors (by file name), with every check
 * of {@link fromHuggingFace}. Each weight is created once from its final array (zeros are
 * never touched: see `withZeroInit`); on any error the half-built model is disposed.
 * @internal
 */
export function buildFromHuggingFace(
  { arch, opts }: HuggingFaceImportPlan,
  raw: Map<string, ImportTensor>,
): tf.LayersModel {
  const tensors = new Map<string, ImportTensor>();
  for (const [name, tensor] of raw) {
    const canonical = arch.canonicalName(name);
    if (canonical === null) continue;
    if (tensors.has(canonical)) fail(OWNER, `the file holds ${canonical} twice (as ${name})`);
    tensors.set(canonical, tensor);
  }
  const take = (name: string): ImportTensor => {
    const tensor = tensors.get(name);
    if (!tensor) fail(OWNER, `the checkpoint lacks ${name}`);
    tensors.delete(name);
    return tensor;
  };

  const model = withZeroInit(() => createCausalLM(opts)); // every weight is overwritten below
  try {
    fill(model, arch, opts, take, tensors);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

function fill(
  model: tf.LayersModel,
  arch: HuggingFaceArchitecture,
  opts: CausalLMOptions,
  take: (name: string) => ImportTensor,
  tensors: Map<string, ImportTensor>,
): void {
  let embeddingData: Float32Array | undefined; // E as read from the file
  const assign = (path: string, shape: number[], data: Float32Array) => {
    if (path === 'token_embedding/embeddings') embeddingData = data;
    const weight = modelWeight(OWNER, model, path);
    const value = tf.tensor(data, shape, 'float32');
    weight.write(value);
    value.dispose();
  };
  for (const row of arch.weights(opts)) {
    const tensor = take(row.name);
    const targets = row.paths.map((path) => modelWeight(OWNER, model, path).shape as number[]);
    const first = targets[0] as number[];
    const expected =
      row.layout === 'same'
        ? first
        : row.layout === 'transpose'
          ? [...first].reverse()
          : [...first.slice(0, -1), targets.reduce((a, s) => a + (s[s.length - 1] as number), 0)];
    if (!sameShape(tensor.shape, expected))
      fail(
        OWNER,
        `${row.name} has shape [${tensor.shape}], expected [${expected}] for this config.json`,
      );
    if (row.layout === 'same') assign(row.paths[0] as string, first, tensor.owned());
    else if (row.layout === 'transpose') assign(row.paths[0] as string, first, tensor.transposed());
    else {
      const data = tensor.values();
      const total = expected[expected.length - 1] as number;
      const rows = data.length / total;
      let offset = 0;
      for (const [i, path] of row.paths.entries()) {
        const shape = targets[i] as number[];
        const w = shape[shape.length - 1] as number;
        const part = new Float32Array(rows * w);
        for (let r = 0; r < rows; r++)
          part.set(data.subarray(r * total + offset, r * total + offset + w), r * w);
        assign(path, shape, part);
        offset += w;
      }
    }
  }

  const head = tensors.get('lm_head.weight');
  tensors.delete('lm_head.weight');
  const [n, d] = [opts.vocabSize, opts.hiddenSize];
  if (head && !sameShape(head.shape, [n, d]))
    fail(OWNER, `lm_head.weight has shape [${head.shape}], expected [${n},${d}]`);
  if (opts.head === 'tied') {
    if (head) checkDuplicateHead(head.values(), embeddingData as Float32Array, d);
    const report = verifyTie(model);
    if (!report.tied) fail(OWNER, `the imported model lost its tie: ${report.reason}`);
  } else {
    if (!head)
      fail(
        OWNER,
        'config.json says tie_word_embeddings: false, but the checkpoint has no lm_head.weight (an untied model needs its own output matrix; tiedformer never invents one or ties silently)',
      );
    assign('lm_head/kernel', [d, n], head.transposed());
  }
  if (tensors.size > 0)
    fail(
      OWNER,
      `the checkpoint holds tensors this ${arch.architecture} config does not use: ${[...tensors.keys()].slice(0, 5).join(', ')}${tensors.size > 5 ? ', …' : ''}`,
    );
}

/** A tied file's duplicate `lm_head.weight` must equal `E` element for element. */
function checkDuplicateHead(head: Float32Array, embedding: Float32Array, d: number): void {
  for (let i = 0; i < head.length; i++) {
    if (head[i] !== embedding[i] && !(Number.isNaN(head[i]) && Number.isNaN(embedding[i]))) {
      fail(
        OWNER,
        `tie_word_embeddings is true, but the file's lm_head.weight differs from the token embedding (first at row ${Math.floor(i / d)}, column ${i % d}: ${head[i]} vs ${embedding[i]}); refusing to drop either`,
      );
    }
  }
}
