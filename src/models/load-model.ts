import * as tf from '@tensorflow/tfjs';

/** tfjs' messages for the failures a corrupted or foreign file causes, and what to say instead. */
const TRANSLATIONS: [RegExp, (m: RegExpExecArray) => string][] = [
  [
    /Unknown (?:layer|initializer|constraint|regularizer|object): (\w+)/,
    (m) =>
      `the model uses class ${m[1]}, which is not registered in this process: import the library that defines it (for tiedformer's classes, import 'tiedformer') before loading`,
  ],
  [
    /Provided weight data has no target variable: (\S+)/,
    (m) =>
      `the file holds weight ${m[1]}, which no layer of the model has (a weight was renamed, or the file belongs to another model)`,
  ],
  [
    /(\d+) of (\d+) weights are not set: (.*)/,
    (m) => `the file lacks ${m[1]} of the model's ${m[2]} weights: ${m[3]}`,
  ],
  [
    /Shape mismatch in layer (\S+): expected (.*?), got (.*)/,
    (m) =>
      `weight shape mismatch in layer ${m[1]}: the model expects ${m[2]}, the file holds ${m[3]}`,
  ],
  [
    /Based on the provided shape, \[(.*?)\], the tensor should have (\d+) values but has (\d+)/,
    (m) =>
      `a weight of shape [${m[1]}] needs ${m[2]} values but the file holds ${m[3]} for it (the weight file is truncated or a shape was edited)`,
  ],
];

/**
 * Loads a saved tfjs model like `tf.loadLayersModel`, with errors that say what is wrong and
 * with nothing left behind when it fails:
 *
 * - a `file://` URL with no handler registered fails at once, saying to call
 *   `registerFileSystemRouter()` from `tiedformer/node` (or pass `fileSystem(dir)`), instead of
 *   tfjs' `fetch failed`;
 * - tfjs' errors for an unregistered class, a missing, renamed or reshaped weight, or short
 *   weight data are rethrown as `[loadModel] ...` sentences (the original is the `cause`);
 * - every variable and tensor the half-built model created is disposed before the error
 *   propagates (tfjs leaves them, 10–20 tensors for a small model).
 *
 * @param source - A URL (`file://`, `http(s)://`, `indexeddb://`, ...) or an IO handler.
 * @param options - tfjs' load options (`strict`, `onProgress`, ...).
 * @returns The loaded model.
 * @throws Error prefixed with `[loadModel]` naming the cause.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { createCausalLM, loadModel } from 'tiedformer';
 * const model = createCausalLM({
 *   vocabSize: 100, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, head: 'tied',
 * });
 * let saved: tf.io.ModelArtifacts | undefined;
 * await model.save(tf.io.withSaveHandler(async (artifacts) => {
 *   saved = artifacts;
 *   return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
 * }));
 * const loaded = await loadModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
 * ```
 */
export async function loadModel(
  source: string | tf.io.IOHandler,
  options?: tf.io.LoadOptions,
): Promise<tf.LayersModel> {
  const owner = 'loadModel';
  if (typeof source === 'string') {
    if (source.startsWith('file://') && tf.io.getLoadHandlers(source).length === 0) {
      throw new Error(
        `[${owner}] no IO handler is registered for ${source}: call registerFileSystemRouter() from 'tiedformer/node' first (or install @tensorflow/tfjs-node), or pass fileSystem(directory)`,
      );
    }
  } else if (typeof source !== 'object' || source === null || typeof source.load !== 'function') {
    throw new Error(
      `[${owner}] source must be a URL string or an IO handler with load(), got ${String(source)}`,
    );
  }
  const variablesBefore = new Set(Object.keys(tf.engine().registeredVariables));
  try {
    return await tf.loadLayersModel(source, options);
  } catch (error) {
    // The half-built model's weights: variables registered since the call started.
    const variables = tf.engine().registeredVariables;
    for (const name of Object.keys(variables))
      if (!variablesBefore.has(name)) variables[name]?.dispose();
    const message = error instanceof Error ? error.message : String(error);
    if (message.startsWith('[')) throw error; // already ours (fileSystem's checks)
    for (const [pattern, explain] of TRANSLATIONS) {
      const match = pattern.exec(message);
      if (match) throw new Error(`[${owner}] ${explain(match)}`, { cause: error });
    }
    throw new Error(`[${owner}] could not load the model: ${message}`, { cause: error });
  }
}
