import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { type ToHuggingFaceOptions, toHuggingFace } from '../interop/to-hugging-face.js';
import { ensureDirectory } from './safe-fs.js';

/**
 * Saves a model built by `createCausalLM` as a Hugging Face model directory (`config.json`
 * and `model.safetensors`) that `transformers`' `AutoModelForCausalLM.from_pretrained` reads:
 * {@link toHuggingFace} plus the file writes. A tied model stays tied (no `lm_head.weight`).
 *
 * @param model - A model made by `createCausalLM`.
 * @param directory - Directory to write into (created if missing; existing files of the same name are replaced).
 * @param options - Architecture, dtype and head policy (see `toHuggingFace`).
 * @returns The paths written.
 * @example
 * ```ts
 * import { createCausalLM } from 'tiedformer';
 * import { saveHuggingFace } from 'tiedformer/node';
 * const model = createCausalLM({
 *   vocabSize: 100, hiddenSize: 16, numLayers: 2, numHeads: 2, intermediateSize: 32,
 *   head: 'tied', activation: 'swiglu',
 * });
 * await saveHuggingFace(model, '/tmp/my-llama'); // then in Python: from_pretrained('/tmp/my-llama')
 * ```
 */
export async function saveHuggingFace(
  model: tf.LayersModel,
  directory: string,
  options: ToHuggingFaceOptions = {},
): Promise<string[]> {
  const files = await toHuggingFace(model, options);
  // One level at a time: a recursive mkdir can spin for ever under /proc (#13).
  ensureDirectory('saveHuggingFace', directory);
  const paths: string[] = [];
  for (const [name, bytes] of Object.entries(files)) {
    const path = join(directory, name);
    await writeFile(path, bytes);
    paths.push(path);
  }
  return paths;
}
