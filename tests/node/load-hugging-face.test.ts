import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { verifyTie } from '../../src/diagnostics/verify-tie.js';
import { fromHuggingFace } from '../../src/interop/from-hugging-face.js';
import { readSafetensors } from '../../src/interop/read-safetensors.js';
import { writeSafetensors } from '../../src/interop/write-safetensors.js';
import { loadHuggingFace } from '../../src/node/load-hugging-face.js';

const fixtures = new URL('../fixtures/hf/', import.meta.url).pathname;
const cases = readdirSync(fixtures).sort();

function filesOf(directory: string): Record<string, Uint8Array> {
  const read = (name: string) => new Uint8Array(readFileSync(join(directory, name)));
  return { 'config.json': read('config.json'), 'model.safetensors': read('model.safetensors') };
}

/** Every weight's values, by tfjs layer path (weights in model order). */
async function weightsOf(model: tf.LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.weights.map(async (w) => (await w.read().data()) as Float32Array));
}

function copyFixture(name: string): string {
  const directory = mkdtempSync(join(tmpdir(), `tiedformer-hf-${name}-`));
  for (const file of ['config.json', 'model.safetensors'])
    copyFileSync(join(fixtures, name, file), join(directory, file));
  return directory;
}

describe('loadHuggingFace', () => {
  it('names what is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tiedformer-hf-empty-'));
    await expect(loadHuggingFace(empty)).rejects.toThrow(
      `[loadHuggingFace] ${empty} has no config.json`,
    );
    const fixture = new URL('../fixtures/hf/llama-f32/', import.meta.url).pathname;
    expect(existsSync(join(fixture, 'config.json'))).toBe(true);
    expect(verifyTie(await loadHuggingFace(fixture)).tied).toBe(true);
  });

  it.each(cases)(
    'streams %s from disk into the same weights as fromHuggingFace on its bytes',
    async (name) => {
      const directory = join(fixtures, name);
      const inMemory = fromHuggingFace(filesOf(directory));
      const before = tf.memory().numTensors;
      const streamed = await loadHuggingFace(directory);
      // The model's own weights and nothing else: no tensor left behind by the reader.
      expect(tf.memory().numTensors - before).toBe(streamed.weights.length);
      expect(verifyTie(streamed).tied).toBe(verifyTie(inMemory).tied);
      const [a, b] = [await weightsOf(streamed), await weightsOf(inMemory)];
      expect(a.length).toBe(b.length);
      for (const [i, values] of a.entries())
        expect(Buffer.from(values.buffer, values.byteOffset, values.byteLength)).toEqual(
          Buffer.from(
            (b[i] as Float32Array).buffer,
            (b[i] as Float32Array).byteOffset,
            (b[i] as Float32Array).byteLength,
          ),
        );
      streamed.dispose();
      inMemory.dispose();
    },
  );

  it('reads a sharded checkpoint (index + two shards) like the single file', async () => {
    const single = join(fixtures, 'llama-f32');
    const { tensors } = readSafetensors(readFileSync(join(single, 'model.safetensors')));
    const names = [...tensors.keys()];
    const half = Math.ceil(names.length / 2);
    const directory = mkdtempSync(join(tmpdir(), 'tiedformer-hf-shards-'));
    copyFileSync(join(single, 'config.json'), join(directory, 'config.json'));
    const weightMap: Record<string, string> = {};
    for (const [k, part] of [names.slice(0, half), names.slice(half)].entries()) {
      const shard = `model-0000${k + 1}-of-00002.safetensors`;
      writeFileSync(
        join(directory, shard),
        writeSafetensors(
          new Map(part.map((n) => [n, tensors.get(n) as { shape: number[]; data: Float32Array }])),
        ),
      );
      for (const n of part) weightMap[n] = shard;
    }
    writeFileSync(
      join(directory, 'model.safetensors.index.json'),
      JSON.stringify({ weight_map: weightMap }),
    );
    const sharded = await loadHuggingFace(directory);
    const whole = await loadHuggingFace(single);
    expect(await weightsOf(sharded)).toEqual(await weightsOf(whole));
    // An index that puts a tensor in the wrong shard is refused, naming it.
    const first = names[0] as string;
    weightMap[first] = 'model-00002-of-00002.safetensors';
    writeFileSync(
      join(directory, 'model.safetensors.index.json'),
      JSON.stringify({ weight_map: weightMap }),
    );
    const before = tf.memory().numTensors;
    await expect(loadHuggingFace(directory)).rejects.toThrow(
      `[fromHuggingFace] model-00001-of-00002.safetensors holds ${first}, which model.safetensors.index.json puts elsewhere`,
    );
    expect(tf.memory().numTensors).toBe(before);
    sharded.dispose();
    whole.dispose();
  });

  it('refuses a truncated file with a clear error and leaks nothing', async () => {
    const directory = copyFixture('qwen2-f32');
    const path = join(directory, 'model.safetensors');
    const size = readFileSync(path).length;
    truncateSync(path, size - 4);
    const before = tf.memory().numTensors;
    await expect(loadHuggingFace(directory)).rejects.toThrow(
      `[readSafetensors] the tensors need ${size - 8 - Number(readFileSync(path).readBigUInt64LE(0))} bytes of data but the file holds`,
    );
    truncateSync(path, 5);
    await expect(loadHuggingFace(directory)).rejects.toThrow(
      '[readSafetensors] the file is 5 bytes, shorter than the 8-byte header length',
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('disposes the half-built model when a tensor is missing', async () => {
    const directory = copyFixture('llama-f32');
    const path = join(directory, 'model.safetensors');
    const { tensors } = readSafetensors(readFileSync(path));
    tensors.delete('model.norm.weight');
    writeFileSync(path, writeSafetensors(new Map([...tensors].map(([n, t]) => [n, t]))));
    const before = tf.memory().numTensors;
    await expect(loadHuggingFace(directory)).rejects.toThrow(
      '[fromHuggingFace] the checkpoint lacks model.norm.weight',
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
