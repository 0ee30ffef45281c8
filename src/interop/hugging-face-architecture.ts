import type { CausalLMOptions } from '../models/causal-lm-options.js';

/**
 * A parsed Hugging Face `config.json`: plain JSON values by their snake_case field names.
 *
 * @example
 * ```ts
 * import type { HuggingFaceConfig } from 'tiedformer/interop';
 * const config: HuggingFaceConfig = { model_type: 'llama', hidden_size: 576 };
 * ```
 */
export type HuggingFaceConfig = Record<string, unknown>;

/**
 * One row of an architecture's weight-name table: a Hugging Face tensor and the tiedformer
 * weight(s) it holds, named by layer path (`block_0/attention/query_kernel`: the layer's
 * name, then the weight's name inside it), never by tfjs variable name.
 *
 * - `'same'`: identical layout (embeddings, norms, GPT-2's Conv1D `[in, out]` kernels).
 * - `'transpose'`: `nn.Linear.weight [out, in]` ↔ tiedformer's kernel `[in, out]`.
 * - `'concat'`: the Hugging Face tensor is the tiedformer tensors concatenated along the last
 *   axis (GPT-2's fused `c_attn`: q, k, v).
 *
 * @example
 * ```ts
 * import type { WeightMapping } from 'tiedformer/interop';
 * const row: WeightMapping = {
 *   name: 'model.layers.0.self_attn.q_proj.weight',
 *   paths: ['block_0/attention/query_kernel'],
 *   layout: 'transpose',
 * };
 * ```
 */
export interface WeightMapping {
  /** Tensor name in the safetensors file. */
  name: string;
  /** tiedformer weight paths (one, or several for `'concat'`). */
  paths: string[];
  /** How the layouts relate. */
  layout: 'same' | 'transpose' | 'concat';
}

/**
 * The translation of one Hugging Face architecture (one small file each, see DESIGN.md
 * "Interop"): its `config.json` ↔ {@link CausalLMOptions}, and its weight-name table. The
 * output head (`lm_head.weight`, the tie) is handled once for all architectures by
 * {@link toHuggingFace} and {@link fromHuggingFace}.
 *
 * @example
 * ```ts
 * import { llama, type HuggingFaceArchitecture } from 'tiedformer/interop';
 * const arch: HuggingFaceArchitecture = llama;
 * arch.architecture; // 'LlamaForCausalLM'
 * ```
 */
export interface HuggingFaceArchitecture {
  /** Class name in `config.architectures` (`'LlamaForCausalLM'`). */
  readonly architecture: string;
  /** `config.model_type` (`'llama'`). */
  readonly modelType: string;
  /** Value of `tie_word_embeddings` when the config omits it (the class default). */
  readonly tiedByDefault: boolean;
  /**
   * Model options from a `config.json` (head `'tied'` or `'untied'` from
   * `tie_word_embeddings`).
   * @throws RangeError naming the field the translation cannot express.
   */
  toOptions(config: HuggingFaceConfig): CausalLMOptions;
  /**
   * A `config.json` for a model of these options (without the tie fields, which the caller
   * sets).
   * @throws RangeError naming the option this architecture cannot express.
   */
  toConfig(opts: CausalLMOptions, maxPositionEmbeddings: number): HuggingFaceConfig;
  /** The weight-name table of a model of these options (without `lm_head.weight`). */
  weights(opts: CausalLMOptions): WeightMapping[];
  /**
   * The canonical name of a tensor of a file (GPT-2 files have keys with or without a
   * `transformer.` prefix), or `null` for buffers to ignore (GPT-2's stale `attn.bias`).
   */
  canonicalName(name: string): string | null;
}
