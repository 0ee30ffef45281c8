import { type FileHandle, open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { fail } from '../analysis/validation.js';
import { transpose2d } from '../backend/transpose-2d.js';
import {
  buildFromHuggingFace,
  checkShard,
  checkShardsComplete,
  type FromHuggingFaceOptions,
  type HuggingFaceImportPlan,
  planHuggingFaceImport,
  shardMap,
} from '../interop/from-hugging-face.js';
import {
  type ImportTensor,
  memoryImportTensor,
  ownedImportTensor,
  transposedImportTensor,
} from '../interop/import-tensor.js';
import {
  indexSafetensors,
  type SafetensorsIndexEntry,
  safetensorsHeaderLength,
} from '../interop/read-safetensors.js';

const OWNER = 'loadHuggingFace';
/** Largest single `read` call (Node refuses more than 2 GiB at once). */
const MAX_READ = 2 ** 30;

async function readFully(
  handle: FileHandle,
  path: string,
  into: Uint8Array,
  position: number,
): Promise<void> {
  for (let done = 0; done < into.length; ) {
    const length = Math.min(into.length - done, MAX_READ);
    const { bytesRead } = await handle.read(into, done, length, position + done);
    if (bytesRead === 0)
      fail(
        OWNER,
        `${path} ended at byte ${position + done}, before the ${into.length} bytes at ${position} its header promises (changed while reading?)`,
      );
    done += bytesRead;
  }
}

/** How one tensor travels from the disk into the model. */
type Route = 'transpose' | 'direct' | 'raw';

function route(entry: SafetensorsIndexEntry, name: string, plan: HuggingFaceImportPlan): Route {
  if (entry.dtype !== 'F32') return 'raw'; // decoded from its own bytes, as in memory
  return plan.transposed.has(name) && entry.shape.length === 2 ? 'transpose' : 'direct';
}

/**
 * Reads the tensors of one safetensors file straight into the arrays the model will keep:
 * F32 tensors of unchanged layout land in their own Float32Array (no intermediate buffer),
 * F32 matrices to transpose are read into one of two scratch buffers and transposed while
 * libuv reads the next tensor into the other. Tensors the architecture ignores (GPT-2's
 * `attn.bias` buffers) are not read at all.
 * @returns The names of every tensor in the file (read or not), for the shard checks.
 */
async function readSafetensorsFile(
  path: string,
  plan: HuggingFaceImportPlan,
  keep: (name: string, tensor: ImportTensor) => void,
): Promise<string[]> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    return fail(OWNER, `cannot read ${path} (${(error as NodeJS.ErrnoException).code})`);
  }
  let inFlight: Promise<void> | undefined;
  try {
    const { size } = await handle.stat();
    const first = new Uint8Array(Math.min(8, size));
    await readFully(handle, path, first, 0);
    const prefix = new Uint8Array(8 + safetensorsHeaderLength(first, size));
    await readFully(handle, path, prefix, 0);
    const { entries } = indexSafetensors(prefix, size);
    const wanted = entries.flatMap((entry) => {
      const name = plan.arch.canonicalName(entry.name);
      return name === null ? [] : [{ entry, how: route(entry, name, plan) }];
    });
    let most = 0;
    for (const { entry, how } of wanted)
      if (how === 'transpose') most = Math.max(most, entry.end - entry.begin);
    const scratch = [new Uint8Array(most), new Uint8Array(most)];
    let next = 0;
    const start = (i: number) => {
      const { entry, how } = wanted[i] as (typeof wanted)[number];
      let bytes: Uint8Array;
      if (how === 'transpose') {
        // Alternate: the other buffer holds the tensor being transposed meanwhile.
        next ^= 1;
        bytes = (scratch[next] as Uint8Array).subarray(0, entry.end - entry.begin);
      } else bytes = new Uint8Array(entry.end - entry.begin);
      return { entry, how, bytes, done: readFully(handle, path, bytes, entry.begin) };
    };
    let current = wanted.length > 0 ? start(0) : undefined;
    for (let i = 0; current; i++) {
      inFlight = current.done;
      await current.done;
      const following = i + 1 < wanted.length ? start(i + 1) : undefined;
      inFlight = following?.done;
      const { entry, how, bytes } = current;
      const f32 = () => new Float32Array(bytes.buffer, bytes.byteOffset, entry.elements);
      if (how === 'transpose') {
        const [rows, cols] = entry.shape as [number, number];
        keep(
          entry.name,
          transposedImportTensor('F32', [rows, cols], transpose2d(f32(), rows, cols)),
        );
      } else if (how === 'direct') keep(entry.name, ownedImportTensor('F32', entry.shape, f32()));
      else keep(entry.name, memoryImportTensor(bytes, { ...entry, begin: 0, end: bytes.length }));
      current = following;
    }
    return entries.map((entry) => entry.name);
  } finally {
    await inFlight?.catch(() => {});
    await handle.close();
  }
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
 * that `model.safetensors.index.json` lists) as a tiedformer model, with all the checks of
 * `fromHuggingFace` (tie, shapes, unused tensors). The tensors are streamed from disk
 * straight into the model's arrays (no file-sized buffer; transposes overlap the reads).
 * Tokenizers: `loadTokenizer(directory)`.
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
  const configPath = join(directory, 'config.json');
  if (!(await exists(configPath))) fail(OWNER, `${directory} has no config.json`);
  const plan = planHuggingFaceImport(await readFile(configPath, 'utf8'), options);
  const single = join(directory, 'model.safetensors');
  const index = join(directory, 'model.safetensors.index.json');
  const tensors = new Map<string, ImportTensor>();
  if (await exists(single))
    await readSafetensorsFile(single, plan, (name, tensor) => tensors.set(name, tensor));
  else if (await exists(index)) {
    const weightMap = shardMap(await readFile(index, 'utf8'));
    const seen = new Set<string>();
    for (const shard of new Set(Object.values(weightMap))) {
      if (shard.includes('/') || shard.includes('\\'))
        fail(OWNER, `the index names a shard outside the directory: ${shard}`);
      const names = await readSafetensorsFile(join(directory, shard), plan, (name, tensor) =>
        tensors.set(name, tensor),
      );
      for (const name of names) {
        checkShard(weightMap, shard, name);
        seen.add(name);
      }
    }
    checkShardsComplete(weightMap, seen);
  } else {
    fail(
      OWNER,
      `${directory} has neither model.safetensors nor model.safetensors.index.json (PyTorch .bin checkpoints are not read: convert them to safetensors)`,
    );
  }
  return buildFromHuggingFace(plan, tensors);
}
