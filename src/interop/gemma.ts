import { fail } from '../analysis/validation.js';
import type { CausalLMOptions } from '../models/causal-lm-options.js';
import { ConfigFields } from './config-fields.js';
import { gatedActivationFromHF, gatedActivationToHF } from './gated-activation.js';
import { roundToBfloat16 } from './half-precision.js';
import type { HuggingFaceArchitecture, HuggingFaceConfig } from './hugging-face-architecture.js';
import {
  llamaStyleCanonicalName,
  llamaStyleConfig,
  llamaStyleOptions,
  requireLlamaStyle,
} from './llama.js';
import { llamaStyleWeights } from './llama-style-weights.js';

const OWNER = 'GemmaForCausalLM';

/**
 * `GemmaForCausalLM` (Gemma 1): Llama's layout with RMSNorm `x̂·(1 + w)` (weights stored as
 * `w`, loaded unchanged into `normUnitOffset` norms), the looked-up embeddings scaled by
 * `√hidden_size`, a `head_dim` of its own (256 by default, not `hidden_size / heads`) and a
 * tanh-GELU gate (`hidden_activation`, default `gelu_pytorch_tanh` → `'geglu_tanh'`).
 * The class default of `tie_word_embeddings` is `true`.
 *
 * The scale: Hugging Face computes `√d` in the model's dtype; tiedformer computes in float32,
 * so the import uses `√d` in float32 (as Hugging Face run in float32 does). A model run in
 * bfloat16 sees `√d` rounded to bfloat16 (√2048 → 45.25); an export accepts either value.
 *
 * @example
 * ```ts
 * import { gemma } from 'tiedformer/interop';
 * const opts = gemma.toOptions({
 *   model_type: 'gemma', vocab_size: 256000, hidden_size: 2048, num_hidden_layers: 18,
 *   num_attention_heads: 8, num_key_value_heads: 1, head_dim: 256, intermediate_size: 16384,
 *   rms_norm_eps: 1e-6, rope_theta: 10000,
 * }); // Gemma-2B's shape
 * opts.embeddingScale; // √2048 ≈ 45.2548
 * ```
 */
export const gemma: HuggingFaceArchitecture = {
  architecture: OWNER,
  modelType: 'gemma',
  tiedByDefault: true,

  toOptions(config: HuggingFaceConfig): CausalLMOptions {
    const c = new ConfigFields(OWNER, config);
    c.unsupported('rope_scaling', [], 'RoPE scaling is not implemented');
    const shared = llamaStyleOptions(c);
    const bias = c.bool('attention_bias', false);
    // GemmaMLP reads hidden_activation; when it is null it uses gelu_pytorch_tanh (not hidden_act).
    const activation =
      config.hidden_activation == null ? 'gelu_pytorch_tanh' : c.string('hidden_activation');
    return {
      ...shared,
      headDim: c.int('head_dim', 256),
      activation: gatedActivationFromHF(OWNER, 'hidden_activation', activation),
      normUnitOffset: true,
      embeddingScale: Math.fround(Math.sqrt(shared.hiddenSize)),
      qkvBias: bias,
      outputBias: bias,
      mlpBias: false,
      head: c.bool('tie_word_embeddings', gemma.tiedByDefault) ? 'tied' : 'untied',
    };
  },

  toConfig(opts: CausalLMOptions, maxPositionEmbeddings: number): HuggingFaceConfig {
    requireLlamaStyle(OWNER, opts);
    if (!opts.normUnitOffset) fail(OWNER, 'needs normUnitOffset: true (Gemma’s (1 + w) norm)');
    const root = Math.sqrt(opts.hiddenSize);
    const scale = opts.embeddingScale ?? 1;
    if (scale !== Math.fround(root) && scale !== roundToBfloat16(root) && scale !== root)
      fail(OWNER, `needs embeddingScale √hiddenSize (${root}), got ${scale}`);
    const useBias = opts.useBias ?? false;
    const qkvBias = opts.qkvBias ?? useBias;
    if (qkvBias !== (opts.outputBias ?? useBias) || (opts.mlpBias ?? useBias))
      fail(
        OWNER,
        'cannot express these biases (attention_bias covers q, k, v and o; no MLP biases)',
      );
    const activation = gatedActivationToHF(OWNER, opts.activation ?? 'gelu');
    return {
      ...llamaStyleConfig(OWNER, 'gemma', opts, maxPositionEmbeddings),
      head_dim: opts.headDim ?? opts.hiddenSize / opts.numHeads,
      hidden_act: activation,
      hidden_activation: activation,
      attention_bias: qkvBias,
    };
  },

  weights: llamaStyleWeights,

  canonicalName: llamaStyleCanonicalName,
};
