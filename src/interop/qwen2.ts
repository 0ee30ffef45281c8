import { fail } from '../analysis/validation.js';
import type { CausalLMOptions } from '../models/causal-lm-options.js';
import { ConfigFields } from './config-fields.js';
import { gatedActivationFromHF, gatedActivationToHF } from './gated-activation.js';
import type { HuggingFaceArchitecture, HuggingFaceConfig } from './hugging-face-architecture.js';
import { requireLlamaStyle } from './llama.js';
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
 * import { qwen2 } from 'tiedformer';
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
    const numHeads = c.int('num_attention_heads');
    const hiddenSize = c.int('hidden_size');
    return {
      vocabSize: c.int('vocab_size'),
      hiddenSize,
      numLayers: c.int('num_hidden_layers'),
      numHeads,
      numKeyValueHeads: c.int('num_key_value_heads', numHeads),
      headDim: c.int('head_dim', Math.floor(hiddenSize / numHeads)),
      intermediateSize: c.int('intermediate_size'),
      activation: gatedActivationFromHF(OWNER, 'hidden_act', c.string('hidden_act', 'silu')),
      normEpsilon: c.number('rms_norm_eps', 1e-6),
      rotaryBase: c.number('rope_theta', 10000),
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
      architectures: [OWNER],
      model_type: 'qwen2',
      vocab_size: opts.vocabSize,
      hidden_size: opts.hiddenSize,
      num_hidden_layers: opts.numLayers,
      num_attention_heads: opts.numHeads,
      num_key_value_heads: opts.numKeyValueHeads ?? opts.numHeads,
      intermediate_size: opts.intermediateSize,
      hidden_act: gatedActivationToHF(OWNER, opts.activation ?? 'gelu'),
      rms_norm_eps: opts.normEpsilon ?? 1e-6,
      rope_theta: opts.rotaryBase ?? 10000,
      rope_scaling: null,
      use_sliding_window: false,
      attention_dropout: 0,
      max_position_embeddings: maxPositionEmbeddings,
    };
  },

  weights: llamaStyleWeights,

  canonicalName(name: string): string | null {
    return name.endsWith('.rotary_emb.inv_freq') ? null : name; // a buffer old files stored
  },
};
