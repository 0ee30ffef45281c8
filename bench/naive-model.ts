/**
 * The naive baseline of `npm run bench`: the same tied causal LM as createCausalLM written with
 * plain tfjs ops and tfjs defaults — `tf.gather` for the lookup, `tf.matMul` with transpose
 * flags, a batched attention product, and `tf.losses.softmaxCrossEntropy` on one-hot labels.
 * On wasm, where `tf.gather` has no gradient (no UnsortedSegmentSum kernel), the lookup falls
 * back to the one-hot product `oneHot(ids)·E`, the only plain-tfjs lookup that trains there.
 */
import * as tf from '@tensorflow/tfjs';

export interface NaiveModelSpec {
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  intermediateSize: number;
}

export interface NaiveModel {
  spec: NaiveModelSpec;
  /** Weights by tiedformer's names (e.g. `block_0/attention/query_kernel`). */
  weights: Map<string, tf.Variable>;
  /** Mean next-token cross-entropy on `tokens [batch, seq + 1]`. */
  loss(tokens: tf.Tensor2D): tf.Scalar;
}

const EPSILON = 1e-6;

function rmsNorm(x: tf.Tensor, gamma: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), EPSILON))), gamma);
}

/** Builds the naive model with weights copied from a tiedformer model (same names, same values). */
export function naiveModelFrom(source: tf.LayersModel, spec: NaiveModelSpec): NaiveModel {
  const weights = new Map<string, tf.Variable>();
  for (const w of source.weights)
    weights.set(w.originalName, tf.variable(tf.clone(w.read()), true));
  const get = (name: string) => {
    const w = weights.get(name);
    if (!w) throw new Error(`naive model: no weight ${name}`);
    return w;
  };
  const { vocabSize, hiddenSize: d, numLayers, numHeads } = spec;
  const headDim = d / numHeads;
  const table = get('token_embedding/embeddings');

  const forward = (ids: tf.Tensor2D): tf.Tensor => {
    const [batch, seq] = ids.shape;
    const lookup =
      tf.getBackend() === 'wasm'
        ? tf.matMul(tf.oneHot(tf.reshape(ids, [-1]), vocabSize).toFloat(), table)
        : tf.gather(table, tf.reshape(ids, [-1]));
    let x = tf.reshape(lookup, [batch, seq, d]);
    const causal = tf.linalg.bandPart(tf.ones([seq, seq]), -1, 0);
    const maskBias = tf.mul(tf.sub(1, causal), -1e9);
    for (let l = 0; l < numLayers; l++) {
      const p = `block_${l}`;
      const h = tf.reshape(rmsNorm(x, get(`${p}/attention_norm/gamma`)), [batch * seq, d]);
      const split = (t: tf.Tensor) =>
        tf.transpose(tf.reshape(t, [batch, seq, numHeads, headDim]), [0, 2, 1, 3]);
      const q = split(tf.matMul(h, get(`${p}/attention/query_kernel`)));
      const k = split(tf.matMul(h, get(`${p}/attention/key_kernel`)));
      const v = split(tf.matMul(h, get(`${p}/attention/value_kernel`)));
      const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headDim)), maskBias);
      const context = tf.matMul(tf.softmax(scores, -1), v); // [B, H, S, hd]
      const merged = tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [batch * seq, d]);
      x = tf.add(
        x,
        tf.reshape(tf.matMul(merged, get(`${p}/attention/output_kernel`)), [batch, seq, d]),
      );
      const m = tf.reshape(rmsNorm(x, get(`${p}/mlp_norm/gamma`)), [batch * seq, d]);
      const up = tf.matMul(m, get(`${p}/mlp/up_kernel`));
      const gelu = tf.mul(tf.mul(up, 0.5), tf.add(1, tf.erf(tf.mul(up, Math.SQRT1_2))));
      x = tf.add(x, tf.reshape(tf.matMul(gelu, get(`${p}/mlp/down_kernel`)), [batch, seq, d]));
    }
    const final = tf.reshape(rmsNorm(x, get('final_norm/gamma')), [batch * seq, d]);
    return tf.matMul(final, table, false, true); // [B·S, n]
  };

  return {
    spec,
    weights,
    loss(tokens: tf.Tensor2D): tf.Scalar {
      const [batch, length] = tokens.shape;
      const inputs = tf.slice(tokens, [0, 0], [batch, length - 1]) as tf.Tensor2D;
      const targets = tf.reshape(tf.slice(tokens, [0, 1], [batch, length - 1]), [-1]);
      return tf.losses.softmaxCrossEntropy(
        tf.oneHot(targets, vocabSize),
        forward(inputs),
      ) as tf.Scalar;
    },
  };
}
