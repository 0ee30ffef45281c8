import * as tf from '@tensorflow/tfjs';
import type { TiedHeadBase } from '../../src/heads/tied-head-base.js';

type Callable = tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[];

/** Calls a tied head on ids through its own embedding (eagerly inside tidy, so nothing leaks). */
export function throughEmbedding(head: tf.layers.Layer, ids: Callable): Callable {
  const run = () => head.apply((head as TiedHeadBase).embedding.apply(ids)) as tf.Tensor;
  return ids instanceof tf.SymbolicTensor ? run() : tf.tidy(run);
}

/** Rebuilds a tied head from its config, handing it the original's embedding. */
export function reviveWithEmbedding(
  head: tf.layers.Layer,
  config: tf.serialization.ConfigDict,
): tf.layers.Layer {
  const cls = head.constructor as tf.serialization.SerializableConstructor<tf.layers.Layer>;
  return cls.fromConfig(cls, { ...config, embedding: (head as TiedHeadBase).embedding } as never);
}
