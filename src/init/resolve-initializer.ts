import * as tf from '@tensorflow/tfjs';
import { fail } from '../analysis/validation.js';
import { type Initializer, InitializerBase } from './initializer-base.js';

/**
 * An initializer as a layer argument: an initializer object (from `tf.initializers` or
 * tiedformer's helpers), or its serialized form `{ className, config }` as `getConfig()`
 * returns it.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import type { InitializerSpec } from 'tiedformer';
 * const a: InitializerSpec = tf.initializers.zeros();
 * const b: InitializerSpec = { className: 'RandomNormal', config: { mean: 0, stddev: 0.02 } };
 * ```
 */
export type InitializerSpec = Initializer | SerializedInitializer;

/**
 * An initializer in serialized form, as a layer's `getConfig()` holds it. (A type alias
 * rather than an interface, so it fits tfjs' `ConfigDict` index signature.)
 *
 * @example
 * ```ts
 * import type { SerializedInitializer } from 'tiedformer';
 * const spec: SerializedInitializer = { className: 'TiedNormal', config: { vocabSize: 8192, hiddenSize: 256 } };
 * ```
 */
export type SerializedInitializer = {
  /** Registered class name, e.g. `'RandomNormal'` or `'TiedNormal'`. */
  className: string;
  /** The initializer's `getConfig()`. */
  config: tf.serialization.ConfigDict;
};

/** Turns an {@link InitializerSpec} into an initializer object. @internal */
export function resolveInitializer(
  owner: string,
  name: string,
  spec: InitializerSpec,
): Initializer {
  if (spec instanceof InitializerBase) return spec;
  if (typeof spec === 'object' && spec !== null && typeof spec.className === 'string') {
    const entry = tf.serialization.SerializationMap.getMap().classNameMap[spec.className];
    if (!entry) fail(owner, `${name}: unknown initializer class ${JSON.stringify(spec.className)}`);
    const [cls, fromConfig] = entry;
    return fromConfig(cls, spec.config ?? {}) as Initializer;
  }
  return fail(
    owner,
    `${name} must be an initializer or { className, config }, got ${JSON.stringify(spec)}`,
  );
}

/** The serialized `{ className, config }` form of an initializer. @internal */
export function serializeInitializer(init: Initializer): SerializedInitializer {
  return { className: init.getClassName(), config: init.getConfig() };
}
