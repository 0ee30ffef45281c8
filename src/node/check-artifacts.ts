import * as tf from '@tensorflow/tfjs';

/** Bytes per element of each dtype a weights manifest may hold. */
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, float16: 2, uint8: 1 };

/** tiedformer's serializable classes: a saved model naming one needs tiedformer imported. */
const TIEDFORMER_CLASSES = new Set([
  'TokenEmbedding',
  'RMSNorm',
  'LayerNorm',
  'PositionEmbedding',
  'FFN',
  'MultiHeadAttention',
  'TransformerBlock',
  'TiedLMHead',
  'ShuffledTiedHead',
  'OrthoProjectionHead',
  'UntiedLMHead',
  'TiedNormal',
  'ScaledResidual',
  'Orthogonal',
]);

/**
 * FNV-1a (32-bit) of a string, hex: detects an edit of model.json after saving (a changed
 * `num_heads` keeps every weight's shape and would load as a different model without it).
 * @internal
 */
export function topologyHash(topology: unknown, specs: unknown): string {
  const text = JSON.stringify([topology, specs]);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

function classNames(value: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) classNames(v, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if ((key === 'class_name' || key === 'className') && typeof v === 'string') out.add(v);
      else classNames(v, out);
    }
  }
  return out;
}

/**
 * Checks loaded artifacts before tfjs builds anything from them, so a corrupted file fails with
 * a sentence and allocates nothing: the weight bytes must be exactly what the manifest
 * describes, the topology and manifest must be those written at save time (when the file
 * records a hash), and every tiedformer class named must be registered in this process.
 * @internal
 */
export function checkArtifacts(
  owner: string,
  source: string,
  json: { modelTopology?: unknown; tiedformer?: { topologyHash?: unknown } },
  specs: tf.io.WeightsManifestEntry[],
  byteLength: number,
): void {
  let expected = 0;
  let quantized = false;
  for (const spec of specs) {
    const bytes = DTYPE_BYTES[spec.dtype];
    const shape = spec.shape;
    if (
      bytes === undefined ||
      !Array.isArray(shape) ||
      !shape.every((s) => Number.isSafeInteger(s) && s >= 0)
    ) {
      throw new Error(
        `[${owner}] ${source}: weight '${spec.name}' has an invalid manifest entry (dtype ${spec.dtype}, shape ${JSON.stringify(shape)})`,
      );
    }
    // Quantized weights are stored in fewer bytes; tfjs checks those itself.
    if (spec.quantization) quantized = true;
    expected += shape.reduce((n, s) => n * s, 1) * bytes;
  }
  if (!quantized && expected !== byteLength) {
    throw new Error(
      `[${owner}] ${source}: the weight files hold ${byteLength} bytes but the manifest's ${specs.length} weights need ${expected}; a weight file is truncated, has extra bytes, or a shape in model.json was edited`,
    );
  }
  const recorded = json.tiedformer?.topologyHash;
  if (recorded !== undefined && recorded !== topologyHash(json.modelTopology, specs)) {
    throw new Error(
      `[${owner}] ${source}: model.json was changed after saving (its topology or weight manifest no longer matches the hash written at save time); a layer config such as num_heads would no longer describe the weights. Save the model again instead of editing the file`,
    );
  }
  const registered = tf.serialization.SerializationMap.getMap().classNameMap;
  for (const name of classNames(json.modelTopology, new Set())) {
    if (TIEDFORMER_CLASSES.has(name) && !(name in registered)) {
      throw new Error(
        `[${owner}] ${source}: the model uses tiedformer's class ${name}, which is not registered in this process: import 'tiedformer' (import 'tiedformer';) before loading; its layers register when imported`,
      );
    }
  }
}
