import { fail } from '../analysis/validation.js';
import type { CausalLMOptions } from '../models/causal-lm-options.js';
import { ConfigFields } from './config-fields.js';
import { gatedActivationFromHF, gatedActivationToHF } from './gated-activation.js';
import type { HuggingFaceArchitecture, HuggingFaceConfig } from './hugging-face-architecture.js';
import { llamaStyleWeights } from './llama-style-weights.js';

const OWNER = 'LlamaForCausalLM';

/**
 * Checks the options every Llama-style architecture (Llama, Qwen2, Gemma) needs: RMSNorm,
 * rotary positions, a gated MLP.
 * @internal
 */
export function requireLlamaStyle(owner: string, opts: CausalLMOptions): void {
  const no = (what: string) => fail(owner, `cannot express ${what}`);
  if ((opts.norm ?? 'rmsnorm') !== 'rmsnorm') no(`norm '${opts.norm}' (it uses RMSNorm)`);
  const position = opts.positionEmbedding ?? ((opts.rotary ?? true) ? 'rotary' : 'none');
  if (position !== 'rotary') no(`positionEmbedding '${position}' (it uses rotary positions)`);
}

/**
 * The `createCausalLM` options every Llama-style `config.json` (Llama, Qwen2, Gemma) spells the
 * same way; each architecture adds its head size, activation, biases, head and scales.
 * @internal
 */
export function llamaStyleOptions(c: ConfigFields) {
  const numHeads = c.int('num_attention_heads');
  return {
    vocabSize: c.int('vocab_size'),
    hiddenSize: c.int('hidden_size'),
    numLayers: c.int('num_hidden_layers'),
    numHeads,
    numKeyValueHeads: c.int('num_key_value_heads', numHeads),
    intermediateSize: c.int('intermediate_size'),
    normEpsilon: c.number('rms_norm_eps', 1e-6),
    rotaryBase: c.number('rope_theta', 10000),
  };
}

/**
 * The `config.json` fields every Llama-style architecture writes the same way, after
 * {@link requireLlamaStyle}; each architecture adds its own (head size, activation, biases).
 * @internal
 */
export function llamaStyleConfig(
  owner: string,
  modelType: string,
  opts: CausalLMOptions,
  maxPositionEmbeddings: number,
): HuggingFaceConfig {
  return {
    architectures: [owner],
    model_type: modelType,
    vocab_size: opts.vocabSize,
    hidden_size: opts.hiddenSize,
    num_hidden_layers: opts.numLayers,
    num_attention_heads: opts.numHeads,
    num_key_value_heads: opts.numKeyValueHeads ?? opts.numHeads,
    intermediate_size: opts.intermediateSize,
    rms_norm_eps: opts.normEpsilon ?? 1e-6,
    rope_theta: opts.rotaryBase ?? 10000,
    attention_dropout: 0,
    max_position_embeddings: maxPositionEmbeddings,
  };
}

/**
 * Weight names of Llama-style files, or `null` for `rotary_emb.inv_freq`, a buffer old files
 * stored.
 * @internal
 */
export function llamaStyleCanonicalName(name: string): string | null {
  return name.endsWith('.rotary_emb.inv_freq') ? null : name;
}

/**
 * `LlamaForCausalLM` (Llama 1–3 without RoPE scaling, SmolLM, TinyLlama, Mistral-shaped
 * models without a sliding window): RMSNorm pre-norm, rotate-half RoPE, grouped-query
 * attention, a gated MLP (`hidden_act` `silu` → `'swiglu'`). `attention_bias` puts biases on
 * q, k, v and o; `mlp_bias` on the three MLP matrices. The class default of
 * `tie_word_embeddings` is `false`.
 *
 * @example
 * ```ts
 * import { llama } from 'tiedformer/interop';
 * const opts = llama.toOptions({
 *   model_type: 'llama', vocab_size: 49152, hidden_size: 576, num_hidden_layers: 30,
 *   num_attention_heads: 9, num_key_value_heads: 3, intermediate_size: 1536,
 *   rms_norm_eps: 1e-5, rope_theta: 10000, tie_word_embeddings: true,
 * }); // SmolLM-135M's shape, head 'tied'
 * ```
 */
export const llama: HuggingFaceArchitecture = {
  architecture: OWNER,
  modelType: 'llama',
  tiedByDefault: false,

  toOptions(config: HuggingFaceConfig): CausalLMOptions {
    const c = new ConfigFields(OWNER, config);
    c.unsupported('rope_scaling', [], 'RoPE scaling is not implemented');
    const shared = llamaStyleOptions(c);
    const bias = c.bool('attention_bias', false);
    return {
      ...shared,
      headDim: c.int('head_dim', Math.floor(shared.hiddenSize / shared.numHeads)),
      activation: gatedActivationFromHF(OWNER, 'hidden_act', c.string('hidden_act', 'silu')),
      qkvBias: bias,
      outputBias: bias,
      mlpBias: c.bool('mlp_bias', false),
      head: c.bool('tie_word_embeddings', llama.tiedByDefault) ? 'tied' : 'untied',
    };
  },

  toConfig(opts: CausalLMOptions, maxPositionEmbeddings: number): HuggingFaceConfig {
    requireLlamaStyle(OWNER, opts);
    if (opts.normUnitOffset) fail(OWNER, 'cannot express normUnitOffset (Gemma’s (1 + w) norm)');
    if ((opts.embeddingScale ?? 1) !== 1)
      fail(OWNER, `cannot express embeddingScale ${opts.embeddingScale} (Llama does not scale)`);
    const useBias = opts.useBias ?? false;
    const qkvBias = opts.qkvBias ?? useBias;
    const outputBias = opts.outputBias ?? useBias;
    if (qkvBias !== outputBias)
      fail(
        OWNER,
        `cannot express qkvBias ${qkvBias} with outputBias ${outputBias} (attention_bias covers q, k, v and o; Qwen2ForCausalLM has q/k/v biases only)`,
      );
    return {
      ...llamaStyleConfig(OWNER, 'llama', opts, maxPositionEmbeddings),
      head_dim: opts.headDim ?? opts.hiddenSize / opts.numHeads,
      hidden_act: gatedActivationToHF(OWNER, opts.activation ?? 'gelu'),
      rope_scaling: null,
      attention_bias: qkvBias,
      mlp_bias: opts.mlpBias ?? useBias,
      torch_dtype: 'float32',
    };
  },

  weights: llamaStyleWeights,

  canonicalName: llamaStyleCanonicalName,
};
