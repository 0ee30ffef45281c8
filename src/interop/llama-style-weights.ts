import type { CausalLMOptions } from '../models/causal-lm-options.js';
import type { WeightMapping } from './hugging-face-architecture.js';

/**
 * The weight-name table shared by Llama, Qwen2 and Gemma (`model.embed_tokens`,
 * `model.layers.{i}.self_attn.{q,k,v,o}_proj`, `.mlp.{gate,up,down}_proj`, the two norms,
 * `model.norm`): every `nn.Linear.weight [out, in]` is the transpose of tiedformer's kernel
 * `[in, out]`; biases, norms and the embedding share the layout.
 * @internal
 */
export function llamaStyleWeights(opts: CausalLMOptions): WeightMapping[] {
  const useBias = opts.useBias ?? false;
  const qkvBias = opts.qkvBias ?? useBias;
  const outputBias = opts.outputBias ?? useBias;
  const mlpBias = opts.mlpBias ?? useBias;
  const rows: WeightMapping[] = [
    { name: 'model.embed_tokens.weight', paths: ['token_embedding/embeddings'], layout: 'same' },
  ];
  const add = (name: string, path: string, layout: WeightMapping['layout']) =>
    rows.push({ name, paths: [path], layout });
  for (let i = 0; i < opts.numLayers; i++) {
    const hf = `model.layers.${i}`;
    const tf = `block_${i}`;
    add(`${hf}.input_layernorm.weight`, `${tf}/attention_norm/gamma`, 'same');
    for (const [proj, ours] of [
      ['q', 'query'],
      ['k', 'key'],
      ['v', 'value'],
    ] as const) {
      add(`${hf}.self_attn.${proj}_proj.weight`, `${tf}/attention/${ours}_kernel`, 'transpose');
      if (qkvBias) add(`${hf}.self_attn.${proj}_proj.bias`, `${tf}/attention/${ours}_bias`, 'same');
    }
    add(`${hf}.self_attn.o_proj.weight`, `${tf}/attention/output_kernel`, 'transpose');
    if (outputBias) add(`${hf}.self_attn.o_proj.bias`, `${tf}/attention/output_bias`, 'same');
    add(`${hf}.post_attention_layernorm.weight`, `${tf}/mlp_norm/gamma`, 'same');
    for (const proj of ['gate', 'up', 'down'] as const) {
      add(`${hf}.mlp.${proj}_proj.weight`, `${tf}/mlp/${proj}_kernel`, 'transpose');
      if (mlpBias) add(`${hf}.mlp.${proj}_proj.bias`, `${tf}/mlp/${proj}_bias`, 'same');
    }
  }
  add('model.norm.weight', 'final_norm/gamma', 'same');
  return rows;
}
