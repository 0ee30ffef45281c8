import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCausalLM } from '../../src/models/create-causal-lm.js';
import { loadModel } from '../../src/models/load-model.js';
import { fileSystem } from '../../src/node/file-system.js';
import { saveToMemory } from '../helpers/save-to-memory.js';
import { smallModelOptions } from '../helpers/tie-integrity.js';

// Every corrupted-file case of issue #13: a sentence naming the problem, and no tensor left.

let saved = '';
beforeAll(async () => {
  saved = mkdtempSync(join(tmpdir(), 'tiedformer-corrupt-'));
  const model = createCausalLM(smallModelOptions('tied'));
  await model.save(fileSystem(saved));
  model.dispose();
});

// biome-ignore lint/suspicious/noExplicitAny: model.json is edited as free-form JSON here.
type Json = any;

/** A copy of the saved model with model.json and weights.bin edited. */
function corrupted(edit: (json: Json, weights: Buffer) => unknown): string {
  const directory = mkdtempSync(join(tmpdir(), 'tiedformer-corrupt-'));
  const json = JSON.parse(readFileSync(join(saved, 'model.json'), 'utf8'));
  const weights = readFileSync(join(saved, 'weights.bin'));
  const out = (edit(json, weights) as Buffer | undefined) ?? weights;
  writeFileSync(join(directory, 'model.json'), JSON.stringify(json));
  writeFileSync(join(directory, 'weights.bin'), out);
  return directory;
}

const specs = (json: Json) =>
  json.weightsManifest[0].weights as { name: string; shape: number[] }[];
const blocks = (json: Json) => json.modelTopology.config.layers as Json[];

async function expectLoadError(directory: string, message: string) {
  const before = tf.memory().numTensors;
  await expect(tf.loadLayersModel(fileSystem(directory))).rejects.toThrow(message);
  expect(tf.memory().numTensors).toBe(before);
  await expect(loadModel(fileSystem(directory))).rejects.toThrow(message);
  expect(tf.memory().numTensors).toBe(before);
}

describe('loading a corrupted model directory', () => {
  it('loads the intact copy (control)', async () => {
    const model = await loadModel(fileSystem(corrupted(() => undefined)));
    expect(model.countParams()).toBe(createCausalLM(smallModelOptions('tied')).countParams());
  });

  it('rejects junk appended to weights.bin', async () => {
    const dir = corrupted((_, w) => Buffer.concat([w, Buffer.alloc(12)]));
    await expectLoadError(dir, 'the weight files hold');
  });

  it('rejects a truncated weights.bin', async () => {
    const dir = corrupted((_, w) => w.subarray(0, w.byteLength - 40));
    await expectLoadError(dir, 'a weight file is truncated, has extra bytes');
  });

  it('rejects an edited weight shape', async () => {
    const dir = corrupted((json) => {
      (specs(json)[0] as { shape: number[] }).shape = [41, 8];
    });
    await expectLoadError(dir, 'need');
  });

  it('rejects an edited layer config (num_heads) that keeps every shape', async () => {
    const dir = corrupted((json) => {
      const block = blocks(json).find((l) => l.class_name === 'TransformerBlock');
      block.config.num_heads = 4;
    });
    await expectLoadError(dir, 'model.json was changed after saving');
  });

  it('rejects a renamed or a missing weight', async () => {
    const renamed = corrupted((json) => {
      (specs(json)[1] as { name: string }).name = 'block_0/attention/renamed';
    });
    await expectLoadError(renamed, 'model.json was changed after saving');
    // Without the hash (a file written by another tool), tfjs' own error is made readable.
    const foreign = corrupted((json) => {
      delete json.tiedformer;
      (specs(json)[1] as { name: string }).name = 'block_0/attention/renamed';
    });
    await expect(loadModel(fileSystem(foreign))).rejects.toThrow(
      '[loadModel] the file holds weight block_0/attention/renamed, which no layer of the model has',
    );
  });

  it('says to import tiedformer when a class is not registered', async () => {
    const model = createCausalLM(smallModelOptions('tied'));
    const artifacts = await saveToMemory(model);
    model.dispose();
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    const entry = map.RMSNorm;
    delete map.RMSNorm;
    try {
      await expectLoadError(saved, "uses tiedformer's class RMSNorm, which is not registered");
      await expect(loadModel(tf.io.fromMemory(artifacts))).rejects.toThrow(
        "[loadModel] the model uses class RMSNorm, which is not registered in this process: import the library that defines it (for tiedformer's classes, import 'tiedformer')",
      );
    } finally {
      if (entry) map.RMSNorm = entry;
    }
  });

  it('names a missing model.json, bad JSON and a special file', async () => {
    await expect(loadModel(fileSystem('/nonexistent/tiedformer'))).rejects.toThrow(
      '[fileSystem] cannot read model file /nonexistent/tiedformer/model.json (ENOENT)',
    );
    const bad = corrupted(() => undefined);
    writeFileSync(join(bad, 'model.json'), '{ not json');
    await expect(loadModel(fileSystem(bad))).rejects.toThrow('model.json is not valid JSON');
    // A FIFO would block readFileSync for ever; it is refused without being opened.
    const fifo = mkdtempSync(join(tmpdir(), 'tiedformer-fifo-'));
    execFileSync('mkfifo', [join(fifo, 'model.json')]);
    await expect(loadModel(fileSystem(fifo))).rejects.toThrow(
      `[fileSystem] model file ${join(fifo, 'model.json')} is not a regular file`,
    );
  });

  it('says to register the file:// router instead of "fetch failed"', async () => {
    await expect(loadModel('file:///tmp/nothing/model.json')).rejects.toThrow(
      "[loadModel] no IO handler is registered for file:///tmp/nothing/model.json: call registerFileSystemRouter() from 'tiedformer/node'",
    );
  });

  it('disposes the half-built model when in-memory weights do not fit', async () => {
    const model = createCausalLM(smallModelOptions('tied'));
    const artifacts = await saveToMemory(model);
    model.dispose();
    const before = tf.memory().numTensors;
    const short = { ...artifacts, weightData: (artifacts.weightData as ArrayBuffer).slice(0, 64) };
    await expect(loadModel(tf.io.fromMemory(short))).rejects.toThrow('[loadModel]');
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('saving to a special path', () => {
  it('fails at once under /proc instead of hanging', async () => {
    const model = createCausalLM(smallModelOptions('tied'));
    await expect(model.save(fileSystem('/proc/tiedformer/model'))).rejects.toThrow(
      '[fileSystem] cannot create directory /proc/tiedformer',
    );
    await expect(model.save(fileSystem('/dev/null/model'))).rejects.toThrow(
      '[fileSystem] cannot save into /dev/null/model: /dev/null is not a directory',
    );
    model.dispose();
  });
});
