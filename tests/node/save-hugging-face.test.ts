import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { verifyTie } from '../../src/diagnostics/verify-tie.js';
import { createCausalLM } from '../../src/models/create-causal-lm.js';
import { loadHuggingFace } from '../../src/node/load-hugging-face.js';
import { saveHuggingFace } from '../../src/node/save-hugging-face.js';

describe('saveHuggingFace / loadHuggingFace', () => {
  it('writes config.json + model.safetensors and loads the same tied model back', async () => {
    const directory = join(mkdtempSync(join(tmpdir(), 'tiedformer-hf-')), 'nested');
    const model = createCausalLM({
      vocabSize: 30,
      hiddenSize: 8,
      numLayers: 1,
      numHeads: 2,
      intermediateSize: 12,
      activation: 'swiglu',
      head: 'tied',
      seed: 2,
    });
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
    const model = createCausalLM({
      vocabSize: 30,
      hiddenSize: 8,
      numLayers: 1,
      numHeads: 2,
      intermediateSize: 12,
      activation: 'swiglu',
      head: 'tied',
    });
    await expect(saveHuggingFace(model, '/proc/tiedformer/hf')).rejects.toThrow(
      '[saveHuggingFace] cannot create directory /proc/tiedformer',
    );
    model.dispose();
  });
});
