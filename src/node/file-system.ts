import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { checkArtifacts, topologyHash } from './check-artifacts.js';
import { ensureDirectory, readRegularFile } from './safe-fs.js';

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

/** Concatenates tfjs weight data (one buffer or several) into one. */
function joinWeights(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const parts = (Array.isArray(data) ? data : [data]).map((b) => new Uint8Array(b));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/**
 * A tfjs IO handler that saves to and loads from a directory on disk, in the same layout as
 * `@tensorflow/tfjs-node`'s `file://` handler (`model.json` + `weights.bin`), for users
 * without tfjs-node (whose installer needs a download that is not always reachable).
 *
 * @param directory - Directory to write into or read from (created on save).
 * @returns An IO handler for `model.save(...)` and `tf.loadLayersModel(...)`.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { createCausalLM } from 'tiedformer';
 * import { fileSystem } from 'tiedformer/node';
 * const model = createCausalLM({
 *   vocabSize: 100, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, head: 'tied',
 * });
 * await model.save(fileSystem('/tmp/my-model'));
 * const loaded = await tf.loadLayersModel(fileSystem('/tmp/my-model'));
 * ```
 */
export function fileSystem(directory: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      ensureDirectory('fileSystem', directory);
      const weights = joinWeights(artifacts.weightData);
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata
          ? { userDefinedMetadata: artifacts.userDefinedMetadata }
          : {}),
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
        // Lets load() tell an edited model.json from the one saved (see checkArtifacts).
        tiedformer: {
          topologyHash: topologyHash(artifacts.modelTopology, artifacts.weightSpecs ?? []),
        },
      };
      writeFileSync(join(directory, MODEL_FILE), JSON.stringify(json));
      writeFileSync(join(directory, WEIGHTS_FILE), weights);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: weights.byteLength,
        },
      };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const modelPath = join(directory, MODEL_FILE);
      const text = readRegularFile('fileSystem', modelPath, 'model file').toString('utf8');
      let json: tf.io.ModelJSON;
      try {
        json = JSON.parse(text) as tf.io.ModelJSON;
      } catch (error) {
        throw new Error(
          `[fileSystem] ${modelPath} is not valid JSON (${(error as Error).message})`,
        );
      }
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: Uint8Array[] = [];
      for (const group of json.weightsManifest ?? []) {
        specs.push(...group.weights);
        for (const path of group.paths)
          buffers.push(readRegularFile('fileSystem', join(directory, path), 'weight file'));
      }
      const weights = joinWeights(
        buffers.map(
          (b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer,
        ),
      );
      checkArtifacts('fileSystem', modelPath, json, specs, weights.byteLength);
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        ...(json.trainingConfig ? { trainingConfig: json.trainingConfig } : {}),
        ...(json.userDefinedMetadata ? { userDefinedMetadata: json.userDefinedMetadata } : {}),
        weightSpecs: specs,
        weightData: weights.buffer as ArrayBuffer,
      };
    },
  };
}

/**
 * Makes `model.save('file://dir')` and `tf.loadLayersModel('file://dir/model.json')` work
 * without `@tensorflow/tfjs-node`, through {@link fileSystem}. Does nothing if a `file://`
 * handler is already registered (tfjs-node registers its own).
 *
 * @returns `true` if it registered the routers, `false` if `file://` was already handled.
 * @example
 * ```ts
 * import { registerFileSystemRouter } from 'tiedformer/node';
 * registerFileSystemRouter();
 * // await model.save('file:///tmp/my-model');
 * ```
 */
export function registerFileSystemRouter(): boolean {
  if (tf.io.getSaveHandlers('file:///probe').length > 0) return false;
  const prefix = 'file://';
  const toDirectory = (url: string, isLoad: boolean) => {
    const path = url.slice(prefix.length);
    return isLoad && path.endsWith(MODEL_FILE) ? dirname(path) : path;
  };
  // A router answers null for URLs it does not handle (tfjs' own routers do; its type omits it).
  const router = (isLoad: boolean) => (url: string | string[]) =>
    (typeof url === 'string' && url.startsWith(prefix)
      ? fileSystem(toDirectory(url, isLoad))
      : null) as tf.io.IOHandler;
  tf.io.registerSaveRouter(router(false));
  tf.io.registerLoadRouter(router(true));
  return true;
}
