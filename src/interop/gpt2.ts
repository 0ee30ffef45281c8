import { fail } from '../analysis/validation.js';
import type { FFNActivation } from '../layers/ffn.js';
import type { CausalLMOptions } from '../models/causal-lm-options.js';
import { ConfigFields } from './config-fields.js';
import type {
  HuggingFaceArchitecture,
  HuggingFaceConfig,
  WeightMapping,
} from './hugging-face-architecture.js';

const OWNER = 'GPT2LMHeadModel';

const ACTIVATIONS: Record<string, FFNActivation> = {
  gelu_new: 'gelu_tanh',
  gelu_pytorch_tanh: 'gelu_tanh',
  gelu: 'gelu',
  relu: 'relu',
};

/**
 * `GPT2LMHeadModel`: learned positions (`wpe`), pre-LayerNorm blocks with biases on every
 * projection, a fused `c_attn` (q, k, v side by side) and `Conv1D` weights stored `[in, out]`
 * (tiedformer's layout: no transpose), tanh GELU (`gelu_new`). Files carry keys with or
 * without the `transformer.` prefix, and old ones stale `attn.bias` / `attn.masked_bias`
 * buffers, which are ignored; exports use the prefix. The class default of
 * `tie_word_embeddings` is `true`.
 *
 * @example
 * ```ts
 * import { gpt2 } from 'tiedformer/interop';
 * const opts = gpt2.toOptions({
 *   model_type: 'gpt2', vocab_size: 50257, n_embd: 768, n_layer: 12, n_head: 12, n_positions: 1024,
 * }); // GPT-2 small
 * opts.maxPositions; // 1024
 * ```
 */
export const gpt2: HuggingFaceArchitecture = {
  architecture: OWNER,
  modelType: 'gpt2',
  tiedByDefault: true,

  toOptions(config: HuggingFaceConfig): CausalLMOptions {
    const c = new ConfigFields(OWNER, config);
    c.unsupported('scale_attn_by_inverse_layer_idx', [false], 'it is not implemented');
    c.unsupported('add_cross_attention', [false], 'a decoder-only model has no cross-attention');
    if (c.bool('scale_attn_weights', true) !== true)
      fail(OWNER, 'config.json: scale_attn_weights = false is not supported');
    const hiddenSize = c.int('n_embd');
    const name = c.string('activation_function', 'gelu_new');
    const activation = ACTIVATIONS[name];
    if (!activation)
      fail(
        OWNER,
        `config.json: activation_function = ${JSON.stringify(name)} is not supported (expected one of ${Object.keys(ACTIVATIONS).join(', ')})`,
      );
    return {
      vocabSize: c.int('vocab_size'),
      hiddenSize,
      numLayers: c.int('n_layer'),
      numHeads: c.int('n_head'),
      intermediateSize: c.int('n_inner', 4 * hiddenSize),
      activation,
      norm: 'layernorm',
      normEpsilon: c.number('layer_norm_epsilon', 1e-5),
      positionEmbedding: 'learned',
      maxPositions: c.int('n_positions', 1024),
      useBias: true,
      head: c.bool('tie_word_embeddings', gpt2.tiedByDefault) ? 'tied' : 'untied',
    };
  },

  toConfig(opts: CausalLMOptions): HuggingFaceConfig {
    const no = (what: string) => fail(OWNER, `cannot express ${what}`);
    if (opts.norm !== 'layernorm') no(`norm '${opts.norm ?? 'rmsnorm'}' (it uses LayerNorm)`);
    if (opts.positionEmbedding !== 'learned')
      no(`positionEmbedding '${opts.positionEmbedding ?? 'rotary'}' (it uses learned positions)`);
    const useBias = opts.useBias ?? false;
    if (!(opts.qkvBias ?? useBias) || !(opts.outputBias ?? useBias) || !(opts.mlpBias ?? useBias))
      no('a projection without bias (every GPT-2 projection has one)');
    if ((opts.numKeyValueHeads ?? opts.numHeads) !== opts.numHeads) no('grouped-query attention');
    if ((opts.headDim ?? opts.hiddenSize / opts.numHeads) * opts.numHeads !== opts.hiddenSize)
      no('headDim ≠ hiddenSize / numHeads');
    if ((opts.embeddingScale ?? 1) !== 1) no(`embeddingScale ${opts.embeddingScale}`);
    const activation = Object.keys(ACTIVATIONS).find(
      (k) => ACTIVATIONS[k] === (opts.activation ?? 'gelu'),
    );
    if (!activation) no(`activation '${opts.activation}' (its MLP is not gated)`);
    return {
      architectures: [OWNER],
      model_type: 'gpt2',
      vocab_size: opts.vocabSize,
      n_embd: opts.hiddenSize,
      n_layer: opts.numLayers,
      n_head: opts.numHeads,
      n_inner: opts.intermediateSize,
      n_positions: opts.maxPositions,
      n_ctx: opts.maxPositions,
      activation_function: activation,
      layer_norm_epsilon: opts.normEpsilon ?? 1e-6,
      scale_attn_weights: true,
      attn_pdrop: 0,
      embd_pdrop: 0,
      resid_pdrop: 0,
    };
  },

  weights(opts: CausalLMOptions): WeightMapping[] {
    const rows: WeightMapping[] = [
      { name: 'transformer.wte.weight', paths: ['token_embedding/embeddings'], layout: 'same' },
      { name: 'transformer.wpe.weight', paths: ['position_embedding/embeddings'], layout: 'same' },
    ];
    const same = (name: string, path: string) => rows.push({ name, paths: [path], layout: 'same' });
    for (let i = 0; i < opts.numLayers; i++) {
      const hf = `transformer.h.${i}`;
      const tf = `block_${i}`;
      same(`${hf}.ln_1.weight`, `${tf}/attention_norm/gamma`);
      same(`${hf}.ln_1.bias`, `${tf}/attention_norm/beta`);
      for (const kind of ['kernel', 'bias'] as const) {
        rows.push({
          name: `${hf}.attn.c_attn.${kind === 'kernel' ? 'weight' : 'bias'}`,
          paths: ['query', 'key', 'value'].map((p) => `${tf}/attention/${p}_${kind}`),
          layout: 'concat',
        });
      }
      same(`${hf}.attn.c_proj.weight`, `${tf}/attention/output_kernel`);
      same(`${hf}.attn.c_proj.bias`, `${tf}/attention/output_bias`);
      same(`${hf}.ln_2.weight`, `${tf}/mlp_norm/gamma`);
      same(`${hf}.ln_2.bias`, `${tf}/mlp_norm/beta`);
      same(`${hf}.mlp.c_fc.weight`, `${tf}/mlp/up_kernel`);
      same(`${hf}.mlp.c_fc.bias`, `${tf}/mlp/up_bias`);
      same(`${hf}.mlp.c_proj.weight`, `${tf}/mlp/down_kernel`);
      same(`${hf}.mlp.c_proj.bias`, `${tf}/mlp/down_bias`);
    }
    same('transformer.ln_f.weight', 'final_norm/gamma');
    same('transformer.ln_f.bias', 'final_norm/beta');
    return rows;
  },

  canonicalName(name: string): string | null {
    if (/^(transformer\.)?h\.\d+\.attn\.(masked_)?bias$/.test(name)) return null;
    if (name.startsWith('transformer.') || name.startsWith('lm_head.')) return name;
    return `transformer.${name}`;
  },
};
