import * as tf from '@tensorflow/tfjs';

/**
 * A TensorFlow.js weight initializer (what `tf.initializers.*` return and what layers accept
 * as `kernelInitializer`, `embeddingsInitializer`, ...).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import type { Initializer } from 'tiedformer';
 * const init: Initializer = tf.initializers.glorotUniform({});
 * ```
 */
export type Initializer = ReturnType<typeof tf.initializers.ones>;

/**
 * tfjs-layers accepts only subclasses of its `Initializer` base class, which its public API
 * does not export; reach it through a built-in initializer's prototype chain.
 * @internal
 */
export const InitializerBase = Object.getPrototypeOf(
  tf.initializers.ones().constructor,
) as (abstract new () => Initializer) & {
  /** Builds an instance from `getConfig()` output (tfjs' deserialization hook). */
  fromConfig: typeof tf.serialization.Serializable.fromConfig;
};
