import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { verifyTie } from '../../src/diagnostics/verify-tie.js';
import { toHuggingFace } from '../../src/interop/to-hugging-face.js';
import type { CausalLMOptions } from '../../src/models/causal-lm-options.js';
import { createCausalLM } from '../../src/models/create-causal-lm.js';
import { loadHuggingFace } from '../../src/node/load-hugging-face.js';
import { saveHuggingFace } from '../../src/node/save-hugging-face.js';

/** Whether anything (even a dangling symlink) is at `path`. */
function lstatExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

const tinyLlama: CausalLMOptions = {
  vocabSize: 30,
  hiddenSize: 8,
  numLayers: 1,
  numHeads: 2,
  intermediateSize: 12,
  activation: 'swiglu',
  head: 'tied',
};

describe('saveHuggingFace / loadHuggingFace', () => {
  it('writes config.json + model.safetensors and loads the same tied model back', async () => {
    const directory = join(mkdtempSync(join(tmpdir(), 'tiedformer-hf-')), 'nested');
    const model = createCausalLM({ ...tinyLlama, seed: 2 });
    const paths = await saveHuggingFace(model, directory);
    expect(paths.map((p) => p.slice(directory.length + 1)).sort()).toEqual([
      'config.json',
      'model.safetensors',
    ]);
    expect(JSON.parse(readFileSync(join(directory, 'config.json'), 'utf8')).architectures).toEqual([
      'LlamaForCausalLM',
    ]);
    const loaded = await loadHuggingFace(directory);
    expect(verifyTie(loaded).tied).toBe(true);
    const ids = tf.tensor2d([[1, 2, 3]], [1, 3], 'int32');
    expect(Array.from((loaded.predict(ids) as tf.Tensor).dataSync())).toEqual(
      Array.from((model.predict(ids) as tf.Tensor).dataSync()),
    );
  });

  it('fails at once under /proc instead of hanging', async () => {
    const model = createCausalLM(tinyLlama);
    await expect(saveHuggingFace(model, '/proc/tiedformer/hf')).rejects.toThrow(
      '[saveHuggingFace] cannot create directory /proc/tiedformer',
    );
    model.dispose();
  });

  const small = {
    vocabSize: 30,
    hiddenSize: 8,
    numLayers: 2,
    numHeads: 2,
    intermediateSize: 12,
    seed: 4,
  };
  const streamed: [string, CausalLMOptions, 'F32' | 'BF16'][] = [
    [
      'Llama tied F32',
      { ...small, activation: 'swiglu', head: 'tied', numKeyValueHeads: 1 },
      'F32',
    ],
    ['Llama tied BF16', { ...small, activation: 'swiglu', head: 'tied' }, 'BF16'],
    [
      'Qwen2 untied F32 (lm_head transposed)',
      { ...small, activation: 'swiglu', qkvBias: true, head: 'untied' },
      'F32',
    ],
    [
      'Qwen2 untied BF16',
      { ...small, activation: 'swiglu', qkvBias: true, head: 'untied' },
      'BF16',
    ],
    [
      'GPT-2 F32 (fused c_attn)',
      {
        ...small,
        norm: 'layernorm',
        positionEmbedding: 'learned',
        maxPositions: 10,
        useBias: true,
        activation: 'gelu_tanh',
        head: 'tied',
      },
      'F32',
    ],
  ];
  it.each(streamed)('streams exactly the bytes of toHuggingFace: %s', async (_, opts, dtype) => {
    const model = createCausalLM(opts);
    for (const [i, w] of model.weights.entries()) {
      const value = tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', 10 + i);
      w.write(value); // norms and biases too, so a swapped tensor would show
      value.dispose();
    }
    const before = tf.memory().numTensors;
    const directory = mkdtempSync(join(tmpdir(), 'tiedformer-hf-stream-'));
    await saveHuggingFace(model, directory, { dtype });
    expect(tf.memory().numTensors).toBe(before);
    const files = await toHuggingFace(model, { dtype });
    const written = readFileSync(join(directory, 'model.safetensors'));
    const expected = files['model.safetensors'] as Uint8Array;
    expect(written.length).toBe(expected.length);
    expect(Buffer.compare(written, Buffer.from(expected))).toBe(0);
    expect(readFileSync(join(directory, 'config.json'))).toEqual(
      Buffer.from(files['config.json'] as Uint8Array),
    );
    model.dispose();
  });

  it('names the file it cannot write', async () => {
    const model = createCausalLM({ ...small, activation: 'swiglu', head: 'tied' });
    const directory = mkdtempSync(join(tmpdir(), 'tiedformer-hf-bad-'));
    mkdirSync(join(directory, 'model.safetensors')); // a directory where the file goes
    await expect(saveHuggingFace(model, directory)).rejects.toThrow(
      `[saveHuggingFace] cannot write ${join(directory, 'model.safetensors')} (EISDIR)`,
    );
    // Negative control: the same model saves into a clean directory.
    const clean = mkdtempSync(join(tmpdir(), 'tiedformer-hf-ok-'));
    await saveHuggingFace(model, clean);
    expect(existsSync(join(clean, 'model.safetensors'))).toBe(true);
    model.dispose();
  });

  it('removes the partial model.safetensors when a write fails midway', async () => {
    const model = createCausalLM({ ...small, activation: 'swiglu', head: 'tied' });
    const directory = mkdtempSync(join(tmpdir(), 'tiedformer-hf-full-'));
    const path = join(directory, 'model.safetensors');
    symlinkSync('/dev/full', path); // opens fine; every write fails with ENOSPC
    await expect(saveHuggingFace(model, directory)).rejects.toThrow(
      `[saveHuggingFace] cannot write ${path} (ENOSPC)`,
    );
    expect(existsSync(path) || lstatExists(path)).toBe(false);
    model.dispose();
  });

  it('reports a bad option before writing anything', async () => {
    const model = createCausalLM({ ...small, activation: 'swiglu', head: 'tied' });
    const directory = join(mkdtempSync(join(tmpdir(), 'tiedformer-hf-opt-')), 'out');
    await expect(saveHuggingFace(model, directory, { dtype: 'F16' as 'F32' })).rejects.toThrow(
      '[toHuggingFace] dtype',
    );
    expect(existsSync(directory)).toBe(false);
    model.dispose();
  });
});
