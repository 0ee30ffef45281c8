import { fail } from '../analysis/validation.js';
import type { CausalLMOptions } from '../models/causal-lm-options.js';
import { ConfigFields } from './config-fields.js';
import { gatedActivationFromHF, gatedActivationToHF } from './gated-activation.js';
import type { HuggingFaceArchitecture, HuggingFaceConfig } from './hugging-face-architecture.js';
import {
  llamaStyleCanonicalName,
  llamaStyleConfig,
  llamaStyleOptions,
  requireLlamaStyle,
} from './llama.js';
import { llamaStyleWeights } from './llama-style-weights.js';

const OWNER = 'Qwen2ForCausalLM';

/**
 * `Qwen2ForCausalLM` (Qwen2, Qwen2.5): Llama's layout with biases on q, k and v (none on o
 * or the MLP) and, typically, `rope_theta` 1e6. A sliding window (`use_sliding_window: true`)
 * is refused. The class default of `tie_word_embeddings` is `false` (the small Qwen2 models
 * set it `true`).
 *
 * @example
 * ```ts
 * import { qwen2 } from 'tiedformer/interop';
 * const opts = qwen2.toOptions({
 *   model_type: 'qwen2', vocab_size: 151936, hidden_size: 896, num_hidden_layers: 24,
 *   num_attention_heads: 14, num_key_value_heads: 2, intermediate_size: 4864,
 *   rms_norm_eps: 1e-6, rope_theta: 1000000, tie_word_embeddings: true,
 * }); // Qwen2.5-0.5B's shape
 * opts.qkvBias; // true
 * ```
 */
export const qwen2: HuggingFaceArchitecture = {
  architecture: OWNER,
  modelType: 'qwen2',
  tiedByDefault: false,

  toOptions(config: HuggingFaceConfig): CausalLMOptions {
    const c = new ConfigFields(OWNER, config);
    c.unsupported('rope_scaling', [], 'RoPE scaling is not implemented');
    c.unsupported('use_sliding_window', [false], 'sliding-window attention is not implemented');
    const shared = llamaStyleOptions(c);
    return {
      ...shared,
      headDim: c.int('head_dim', Math.floor(shared.hiddenSize / shared.numHeads)),
      activation: gatedActivationFromHF(OWNER, 'hidden_act', c.string('hidden_act', 'silu')),
      qkvBias: true,
      outputBias: false,
      mlpBias: false,
      head: c.bool('tie_word_embeddings', qwen2.tiedByDefault) ? 'tied' : 'untied',
    };
  },

  toConfig(opts: CausalLMOptions, maxPositionEmbeddings: number): HuggingFaceConfig {
    requireLlamaStyle(OWNER, opts);
    if (opts.normUnitOffset) fail(OWNER, 'cannot express normUnitOffset (Gemma’s (1 + w) norm)');
    if ((opts.embeddingScale ?? 1) !== 1)
      fail(OWNER, `cannot express embeddingScale ${opts.embeddingScale} (Qwen2 does not scale)`);
    const useBias = opts.useBias ?? false;
    const biases = [opts.qkvBias ?? useBias, opts.outputBias ?? useBias, opts.mlpBias ?? useBias];
    if (biases.join() !== 'true,false,false')
      fail(
        OWNER,
        `cannot express qkvBias ${biases[0]}, outputBias ${biases[1]}, mlpBias ${biases[2]} (Qwen2 has biases on q, k, v only)`,
      );
    const headDim = opts.headDim ?? opts.hiddenSize / opts.numHeads;
    if (headDim * opts.numHeads !== opts.hiddenSize)
      fail(OWNER, `cannot express headDim ${headDim} ≠ hiddenSize / numHeads`);
    return {
      ...llamaStyleConfig(OWNER, 'qwen2', opts, maxPositionEmbeddings),
      hidden_act: gatedActivationToHF(OWNER, opts.activation ?? 'gelu'),
      rope_scaling: null,
      use_sliding_window: false,
    };
  },

  weights: llamaStyleWeights,

  canonicalName: llamaStyleCanonicalName,
};
