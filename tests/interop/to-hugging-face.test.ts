import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { verifyTie } from '../../src/diagnostics/verify-tie.js';
import { describeCausalLM } from '../../src/interop/describe-causal-lm.js';
import { fromHuggingFace } from '../../src/interop/from-hugging-face.js';
import { roundToBfloat16 } from '../../src/interop/half-precision.js';
import { readSafetensors } from '../../src/interop/read-safetensors.js';
import { toHuggingFace } from '../../src/interop/to-hugging-face.js';
import { writeSafetensors } from '../../src/interop/write-safetensors.js';
import type { CausalLMOptions } from '../../src/models/causal-lm-options.js';
import { createCausalLM } from '../../src/models/create-causal-lm.js';

const base = {
  vocabSize: 24,
  hiddenSize: 8,
  numLayers: 2,
  numHeads: 2,
  intermediateSize: 12,
  seed: 3,
  initStd: 0.3,
  embeddingStd: 0.3,
};
const shapes: [string, CausalLMOptions][] = [
  ['LlamaForCausalLM', { ...base, activation: 'swiglu', head: 'tied', numKeyValueHeads: 1 }],
  [
    'Qwen2ForCausalLM',
    { ...base, activation: 'swiglu', qkvBias: true, rotaryBase: 1e6, head: 'untied' },
  ],
  [
    'GemmaForCausalLM',
    {
      ...base,
      headDim: 6,
      activation: 'geglu_tanh',
      normUnitOffset: true,
      embeddingScale: Math.fround(Math.sqrt(8)),
      head: 'tied',
    },
  ],
  [
    'GPT2LMHeadModel',
    {
      ...base,
      norm: 'layernorm',
      normEpsilon: 1e-5,
      positionEmbedding: 'learned',
      maxPositions: 10,
      useBias: true,
      activation: 'gelu_tanh',
      head: 'tied',
    },
  ],
];

/** Every weight drawn at random (biases and norms too), so a swapped tensor would show. */
function randomize(model: tf.LayersModel, seed: number): void {
  for (const [i, w] of model.weights.entries()) {
    const value = tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', seed + i);
    w.write(value);
    value.dispose();
  }
}

const ids = () => tf.tensor2d([[3, 1, 4, 1, 5, 9, 2]], [1, 7], 'int32');
const values = (model: tf.LayersModel) => model.weights.map((w) => Array.from(w.read().dataSync()));
const logits = (model: tf.LayersModel) =>
  tf.tidy(() => Array.from((model.predict(ids()) as tf.Tensor).dataSync()));
const configOf = (files: Record<string, Uint8Array>) =>
  JSON.parse(new TextDecoder().decode(files['config.json']));
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('toHuggingFace → fromHuggingFace', () => {
  it.each(shapes)(
    '%s: bit-exact round trip at f32 (weights, logits, options, bytes)',
    async (architecture, opts) => {
      const model = createCausalLM(opts);
      randomize(model, 11);
      const files = await toHuggingFace(model);
      const config = configOf(files);
      expect(config.architectures).toEqual([architecture]);
      expect(config.tie_word_embeddings).toBe(opts.head === 'tied');
      const names = [...readSafetensors(files['model.safetensors'] as Uint8Array).tensors.keys()];
      expect(names.includes('lm_head.weight')).toBe(opts.head === 'untied');
      const back = fromHuggingFace(files);
      expect(values(back)).toEqual(values(model));
      expect(logits(back)).toEqual(logits(model));
      expect(describeCausalLM(back)).toEqual(describeCausalLM(model));
      expect(verifyTie(back).tied).toBe(opts.head === 'tied');
      expect(back.countParams()).toBe(model.countParams());
      const again = await toHuggingFace(back);
      expect(
        Buffer.compare(
          Buffer.from(again['model.safetensors'] as Uint8Array),
          Buffer.from(files['model.safetensors'] as Uint8Array),
        ),
      ).toBe(0);
    },
  );

  it('maps by layer path, not by tfjs variable name (a second model in the process gets _1 names)', async () => {
    const first = createCausalLM(shapes[0]?.[1] as CausalLMOptions);
    const second = createCausalLM(shapes[0]?.[1] as CausalLMOptions);
    randomize(second, 99);
    expect(second.weights.some((w) => w.name !== w.originalName)).toBe(true);
    const back = fromHuggingFace(await toHuggingFace(second));
    expect(values(back)).toEqual(values(second));
    expect(values(back)).not.toEqual(values(first));
  });

  it('writes BF16 rounded to nearest even, and reads it back as those values', async () => {
    const model = createCausalLM(shapes[0]?.[1] as CausalLMOptions);
    const files = await toHuggingFace(model, { dtype: 'BF16' });
    expect(configOf(files).torch_dtype).toBe('bfloat16');
    const back = fromHuggingFace(files);
    const expected = values(model).map((w) => w.map(roundToBfloat16));
    expect(values(back)).toEqual(expected);
  });
});

describe('the tie on import', () => {
  async function tiedFiles() {
    const model = createCausalLM(shapes[0]?.[1] as CausalLMOptions);
    const files = await toHuggingFace(model);
    const tensors = readSafetensors(files['model.safetensors'] as Uint8Array).tensors;
    return { model, files, tensors };
  }

  it('accepts a duplicate lm_head.weight equal to E, and stays tied', async () => {
    const { files, tensors } = await tiedFiles();
    const embed = tensors.get('model.embed_tokens.weight') as {
      shape: number[];
      data: Float32Array;
    };
    tensors.set('lm_head.weight', { dtype: 'F32', shape: embed.shape, data: embed.data.slice() });
    const model = fromHuggingFace({ ...files, 'model.safetensors': writeSafetensors(tensors) });
    expect(verifyTie(model).tied).toBe(true);
    expect(
      model.trainableWeights.filter((w) => w.originalName.includes('embeddings')),
    ).toHaveLength(1);
  });

  it('refuses a duplicate lm_head.weight that differs from E', async () => {
    const { files, tensors } = await tiedFiles();
    const embed = tensors.get('model.embed_tokens.weight') as {
      shape: number[];
      data: Float32Array;
    };
    const head = embed.data.slice();
    head[8 * 2 + 3] = (head[8 * 2 + 3] as number) + 1e-3;
    tensors.set('lm_head.weight', { dtype: 'F32', shape: embed.shape, data: head });
    expect(() =>
      fromHuggingFace({ ...files, 'model.safetensors': writeSafetensors(tensors) }),
    ).toThrow(
      "[fromHuggingFace] tie_word_embeddings is true, but the file's lm_head.weight differs from the token embedding (first at row 2, column 3",
    );
  });

  it('refuses an untied config without lm_head.weight', async () => {
    const { files } = await tiedFiles();
    const config = { ...configOf(files), tie_word_embeddings: false };
    expect(() => fromHuggingFace({ ...files, 'config.json': encode(config) })).toThrow(
      '[fromHuggingFace] config.json says tie_word_embeddings: false, but the checkpoint has no lm_head.weight',
    );
  });

  it('uses the class default of tie_word_embeddings when the config omits it', async () => {
    const { files } = await tiedFiles();
    const { tie_word_embeddings: _dropped, ...config } = configOf(files);
    // LlamaForCausalLM defaults to untied: without lm_head.weight that is an error, not a tie.
    expect(() => fromHuggingFace({ ...files, 'config.json': encode(config) })).toThrow(
      'tie_word_embeddings: false, but the checkpoint has no lm_head.weight',
    );
  });
});

describe('heads with no Hugging Face equivalent', () => {
  it.each(['shuffled', 'ortho'] as const)(
    'refuses %s, or exports it untied with a warning when asked',
    async (head) => {
      const model = createCausalLM({ ...(shapes[0]?.[1] as CausalLMOptions), head });
      await expect(toHuggingFace(model)).rejects.toThrow(
        `[toHuggingFace] head '${head}' has no Hugging Face equivalent; pass untieHead: true`,
      );
      const onWarning = vi.fn();
      const files = await toHuggingFace(model, { untieHead: true, onWarning });
      expect(onWarning).toHaveBeenCalledOnce();
      expect(onWarning.mock.calls[0]?.[0]).toContain('the tie to the token embedding is lost');
      expect(configOf(files).tie_word_embeddings).toBe(false);
      const back = fromHuggingFace(files);
      expect(verifyTie(back).tied).toBe(false);
      const [a, b] = [logits(model), logits(back)];
      expect(Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))))).toBeLessThan(1e-5);
    },
  );
});

describe('errors name the culprit', () => {
  it('refuses what no architecture expresses', async () => {
    const plain = createCausalLM({ ...base, head: 'tied' }); // exact-GELU, ungated MLP with RoPE
    await expect(toHuggingFace(plain)).rejects.toThrow(
      "[toHuggingFace] no supported architecture can express this model: [LlamaForCausalLM] activation 'gelu' has no equivalent",
    );
    const biased = createCausalLM({ ...base, activation: 'swiglu', head: 'tied', headBias: true });
    await expect(toHuggingFace(biased)).rejects.toThrow(
      '[toHuggingFace] cannot export a logit bias',
    );
    const qwen = createCausalLM(shapes[1]?.[1] as CausalLMOptions);
    await expect(toHuggingFace(qwen, { architecture: 'LlamaForCausalLM' })).rejects.toThrow(
      '[LlamaForCausalLM] cannot express qkvBias true with outputBias false',
    );
    await expect(toHuggingFace(qwen, { architecture: 'T5' })).rejects.toThrow(
      '[toHuggingFace] architecture must be one of "LlamaForCausalLM", "Qwen2ForCausalLM", "GemmaForCausalLM", "GPT2LMHeadModel", got "T5"',
    );
  });

  it('refuses unsupported configs, missing, misshapen and unused tensors', async () => {
    const files = await toHuggingFace(createCausalLM(shapes[0]?.[1] as CausalLMOptions));
    const config = configOf(files);
    const tensors = () => readSafetensors(files['model.safetensors'] as Uint8Array).tensors;
    const withConfig = (c: unknown) => ({ ...files, 'config.json': encode(c) });
    expect(() =>
      fromHuggingFace(withConfig({ ...config, architectures: ['BertForMaskedLM'] })),
    ).toThrow('[fromHuggingFace] config.json: architecture "BertForMaskedLM" is not supported');
    expect(() =>
      fromHuggingFace(withConfig({ ...config, rope_scaling: { rope_type: 'llama3', factor: 8 } })),
    ).toThrow(
      '[LlamaForCausalLM] config.json: rope_scaling = {"rope_type":"llama3","factor":8} is not supported',
    );
    expect(() => fromHuggingFace(withConfig({ ...config, hidden_size: '8' }))).toThrow(
      '[LlamaForCausalLM] config.json: hidden_size must be a positive integer, got "8"',
    );
    const missing = tensors();
    missing.delete('model.layers.1.mlp.up_proj.weight');
    expect(() =>
      fromHuggingFace({ ...files, 'model.safetensors': writeSafetensors(missing) }),
    ).toThrow('[fromHuggingFace] the checkpoint lacks model.layers.1.mlp.up_proj.weight');
    const extra = tensors();
    extra.set('model.layers.2.mlp.up_proj.weight', {
      dtype: 'F32',
      shape: [1],
      data: new Float32Array(1),
    });
    expect(() =>
      fromHuggingFace({ ...files, 'model.safetensors': writeSafetensors(extra) }),
    ).toThrow(
      '[fromHuggingFace] the checkpoint holds tensors this LlamaForCausalLM config does not use: model.layers.2.mlp.up_proj.weight',
    );
    expect(() => fromHuggingFace(withConfig({ ...config, intermediate_size: 10 }))).toThrow(
      '[fromHuggingFace] model.layers.0.mlp.gate_proj.weight has shape [12,8], expected [10,8] for this config.json',
    );
    expect(() => fromHuggingFace({ 'config.json': files['config.json'] as Uint8Array })).toThrow(
      '[fromHuggingFace] the files have neither model.safetensors nor model.safetensors.index.json',
    );
  });

  it('reads a sharded checkpoint through model.safetensors.index.json', async () => {
    const model = createCausalLM(shapes[0]?.[1] as CausalLMOptions);
    const files = await toHuggingFace(model);
    const all = readSafetensors(files['model.safetensors'] as Uint8Array).tensors;
    const [one, two] = [new Map(), new Map()];
    const weightMap: Record<string, string> = {};
    for (const [i, [name, t]] of [...all].entries()) {
      const shard =
        i % 2 === 0 ? 'model-00001-of-00002.safetensors' : 'model-00002-of-00002.safetensors';
      (i % 2 === 0 ? one : two).set(name, t);
      weightMap[name] = shard;
    }
    const back = fromHuggingFace({
      'config.json': files['config.json'] as Uint8Array,
      'model.safetensors.index.json': encode({ metadata: {}, weight_map: weightMap }),
      'model-00001-of-00002.safetensors': writeSafetensors(one),
      'model-00002-of-00002.safetensors': writeSafetensors(two),
    });
    expect(values(back)).toEqual(values(model));
  });
});
