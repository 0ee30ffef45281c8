import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { fileSystem, registerFileSystemRouter } from '../../src/node/file-system.js';
import { createCausalLM } from '../../src/models/create-causal-lm.js';
import { smallModelOptions } from '../helpers/tie-integrity.js';

describe('fileSystem', () => {
  it('saves model.json + weights.bin and loads the same model back', async () => {
    const directory = join(mkdtempSync(join(tmpdir(), 'tiedformer-io-')), 'nested');
    const model = createCausalLM(smallModelOptions('ortho'));
    const result = await model.save(fileSystem(directory));
    expect(existsSync(join(directory, 'model.json'))).toBe(true);
    expect(result.modelArtifactsInfo.weightDataBytes).toBe(model.countParams() * 4);
    const loaded = await tf.loadLayersModel(fileSystem(directory));
    const x = tf.tensor2d([[1, 2, 3]], [1, 3], 'int32');
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(
      Array.from((model.predict(x) as tf.Tensor).dataSync()),
    );
  });

  it('registers a file:// router once, and not over an existing one', async () => {
    registerFileSystemRouter();
    expect(registerFileSystemRouter()).toBe(false);
    const directory = mkdtempSync(join(tmpdir(), 'tiedformer-url-'));
    const model = createCausalLM(smallModelOptions('tied'));
    await model.save(`file://${directory}`);
    const loaded = await tf.loadLayersModel(`file://${directory}/model.json`);
    expect(loaded.countParams()).toBe(model.countParams());
  });

  it('fails loudly on a missing directory', async () => {
    await expect(tf.loadLayersModel(fileSystem('/nonexistent/tiedformer'))).rejects.toThrow(
      'ENOENT',
    );
  });
});
