import { type FileHandle, open, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { encodeTensor, largestConverted } from '../interop/hugging-face-export.js';
import { prepareHuggingFaceExport, type ToHuggingFaceOptions } from '../interop/to-hugging-face.js';
import { ensureDirectory } from './safe-fs.js';

const OWNER = 'saveHuggingFace';
/** Largest single `write` call: Node refuses buffers over 2 GiB, and a 1B model's embedding is 1 GiB. */
const MAX_WRITE = 2 ** 30;

async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const piece = bytes.subarray(done, Math.min(bytes.length, done + MAX_WRITE));
    const { bytesWritten } = await handle.write(piece, 0, piece.length, position + done);
    done += bytesWritten;
  }
}

function cannotWrite(path: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException)?.code ?? (error as Error)?.message;
  return new Error(`[${OWNER}] cannot write ${path} (${code})`, { cause: error });
}

/**
 * Saves a model built by `createCausalLM` as a Hugging Face model directory (`config.json`
 * and `model.safetensors`) that `transformers`' `AutoModelForCausalLM.from_pretrained` reads.
 * The bytes are those of `toHuggingFace`, but `model.safetensors` is streamed: the
 * header first, then each tensor as soon as it is converted, so the disk write (on libuv's
 * thread) overlaps the conversion and no file-sized buffer is built. A tied model stays tied
 * (no `lm_head.weight`). On a write error the partial `model.safetensors` is removed.
 *
 * @param model - A model made by `createCausalLM`.
 * @param directory - Directory to write into (created if missing; existing files of the same name are replaced).
 * @param options - Architecture, dtype and head policy (see `toHuggingFace`).
 * @returns The paths written.
 * @throws RangeError from `toHuggingFace`'s checks; Error naming the path the file system refused.
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
  const { config, dtype, layout } = await prepareHuggingFaceExport(model, options);
  // One level at a time: a recursive mkdir can spin for ever under /proc (#13).
  ensureDirectory(OWNER, directory);
  const configPath = join(directory, 'config.json');
  try {
    await writeFile(configPath, config);
  } catch (error) {
    throw cannotWrite(configPath, error);
  }
  const path = join(directory, 'model.safetensors');
  let handle: FileHandle;
  try {
    handle = await open(path, 'w');
  } catch (error) {
    throw cannotWrite(path, error);
  }
  // Two scratch buffers: one being written by libuv while the next tensor is converted into
  // the other. Tensors whose layout is unchanged are written from the weight's own array.
  const bytesPer = dtype === 'F32' ? 4 : 2;
  const most = largestConverted(layout);
  // BF16 converts every tensor, F32 only those whose layout changes, unless the weights are
  // transient views of the wasm heap, which must be copied out before they are written.
  const largest =
    dtype === 'F32' && tf.getBackend() !== 'wasm' ? most : largestConverted(layout, true);
  const scratch = [new Uint8Array(largest * bytesPer), new Uint8Array(largest * bytesPer)];
  let values: Float32Array | undefined; // BF16 conversions pass through float32
  let next = 0;
  let pending: Promise<void> = writeAll(handle, layout.head, 0);
  try {
    const start = layout.head.length;
    for (const { entry, elements, begin, end } of layout.entries) {
      // Read now (wasm and webgl copy the weight out here), while the previous write runs.
      const source = await entry.source();
      let bytes: Uint8Array;
      if (source.direct && !source.transient && dtype === 'F32')
        bytes = new Uint8Array(source.direct.buffer, source.direct.byteOffset, end - begin);
      else {
        bytes = (scratch[next] as Uint8Array).subarray(0, end - begin);
        next ^= 1;
        encodeTensor(source, elements, dtype, bytes, () => {
          values ??= new Float32Array(most);
          return values;
        });
      }
      await pending; // at most one write in flight, never into the buffer being filled
      pending = writeAll(handle, bytes, start + begin);
    }
    await pending;
    await handle.close();
  } catch (error) {
    await pending.catch(() => {});
    await handle.close().catch(() => {});
    await unlink(path).catch(() => {});
    throw cannotWrite(path, error);
  }
  return [configPath, path];
}
