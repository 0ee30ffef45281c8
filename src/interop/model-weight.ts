import type * as tf from '@tensorflow/tfjs';
import { fail } from '../analysis/validation.js';
import type { LayerWeight } from '../layers/base-layer.js';

/**
 * The weight at a layer path, `layerName/weightName` (`block_0/attention/query_kernel`):
 * found through the layer and the weight's name inside it, never through the tfjs variable
 * name (which tfjs suffixes `_1`, `_2` when several models share a process).
 * @internal
 */
export function modelWeight(owner: string, model: tf.LayersModel, path: string): LayerWeight {
  const slash = path.indexOf('/');
  const layerName = path.slice(0, slash);
  const inner = path.slice(slash + 1);
  const layer = model.layers.find((l) => l.name === layerName);
  if (!layer) return fail(owner, `the model has no layer '${layerName}' (for weight ${path})`);
  const full = `${layerName}/${inner}`;
  const found = layer.weights.filter(
    (w) => w.originalName === full || w.originalName.endsWith(`/${full}`),
  );
  if (found.length !== 1)
    fail(owner, `layer '${layerName}' has ${found.length} weights named ${inner}, expected one`);
  return found[0] as LayerWeight;
}
