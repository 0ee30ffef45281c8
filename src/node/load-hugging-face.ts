import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { fail } from '../analysis/validation.js';
import { type FromHuggingFaceOptions, fromHuggingFace } from '../interop/from-hugging-face.js';

const OWNER = 'loadHuggingFace';

/**
 * Reads a whole file into one `Uint8Array` in chunks: `readFile` stops at 2 GiB, while a
 * 135M–1B-parameter float32 checkpoint is 0.5–4 GiB.
 */
async function readLarge(path: string): Promise<Uint8Array> {
  const { size } = await stat(path);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(size);
  } catch {
    return fail(
      OWNER,
      `${path} (${size} bytes) is larger than one JavaScript typed array can hold; use a sharded checkpoint`,
    );
  }
  const handle = await open(path, 'r');
  try {
    const chunk = 1 << 30;
    for (let offset = 0; offset < size; ) {
      const { bytesRead } = await handle.read(
        bytes,
        offset,
        Math.min(chunk, size - offset),
        offset,
      );
      if (bytesRead === 0) fail(OWNER, `${path} ended after ${offset} of ${size} bytes`);
      offset += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return bytes;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Loads a Hugging Face model directory (`config.json` and `model.safetensors`, or the shards
 * that `model.safetensors.index.json` lists) as a tiedformer model: the file reads plus
 * {@link fromHuggingFace}, with all its checks (tie, shapes, unused tensors). Tokenizers:
 * `loadTokenizer(directory)`.
 *
 * @param directory - A Hugging Face model directory (e.g. a `git clone` of a Hub repository).
 * @param options - Input length and model name (see `fromHuggingFace`).
 * @returns The model.
 * @throws RangeError when a file is missing or the checkpoint cannot be translated.
 * @example
 * ```ts
 * import { loadHuggingFace, loadTokenizer } from 'tiedformer/node';
 * const model = await loadHuggingFace('./SmolLM-135M');
 * const tokenizer = await loadTokenizer('./SmolLM-135M');
 * ```
 */
export async function loadHuggingFace(
  directory: string,
  options: FromHuggingFaceOptions = {},
): Promise<tf.LayersModel> {
  const files: Record<string, Uint8Array | string> = {};
  const configPath = join(directory, 'config.json');
  if (!(await exists(configPath))) fail(OWNER, `${directory} has no config.json`);
  files['config.json'] = await readFile(configPath, 'utf8');
  const single = join(directory, 'model.safetensors');
  const index = join(directory, 'model.safetensors.index.json');
  if (await exists(single)) files['model.safetensors'] = await readLarge(single);
  else if (await exists(index)) {
    const text = await readFile(index, 'utf8');
    files['model.safetensors.index.json'] = text;
    const weightMap =
      (JSON.parse(text) as { weight_map?: Record<string, string> }).weight_map ?? {};
    for (const shard of new Set(Object.values(weightMap))) {
      if (shard.includes('/') || shard.includes('\\'))
        fail(OWNER, `the index names a shard outside the directory: ${shard}`);
      files[shard] = await readLarge(join(directory, shard));
    }
  } else {
    fail(
      OWNER,
      `${directory} has neither model.safetensors nor model.safetensors.index.json (PyTorch .bin checkpoints are not read: convert them to safetensors)`,
    );
  }
  return fromHuggingFace(files, options);
}
