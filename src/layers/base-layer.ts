import * as tf from '@tensorflow/tfjs';
import { fail } from '../analysis/validation.js';
import type { Initializer } from '../init/initializer-base.js';
import { checkWeightSize } from './weight-size.js';
import { zeroInitActive, zeroInitializer } from './zero-init.js';

/**
 * Base options of every TensorFlow.js layer (`name`, `trainable`, `inputShape`, ...).
 *
 * @example
 * ```ts
 * import type { LayerArgs } from 'tiedformer';
 * const args: LayerArgs = { name: 'my_norm', trainable: true };
 * ```
 */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/**
 * Keyword arguments of a layer call (`training`, `mask`, ...).
 *
 * @example
 * ```ts
 * import type { Kwargs } from 'tiedformer';
 * const kwargs: Kwargs = { training: true };
 * ```
 */
export type Kwargs = Parameters<tf.layers.Layer['call']>[1];

/**
 * A weight owned by a layer (a `tf.LayerVariable`).
 *
 * @example
 * ```ts
 * import { RMSNorm, type LayerWeight } from 'tiedformer';
 * const norm = new RMSNorm({});
 * norm.build([2, 8]);
 * const [gamma]: LayerWeight[] = norm.trainableWeights;
 * ```
 */
export type LayerWeight = tf.layers.Layer['trainableWeights'][number];

/** The same initializer with its seed (if any) offset by a hash of `weightName`. */
function reseeded(initializer: Initializer, weightName: string): Initializer {
  const config = initializer.getConfig();
  if (typeof config.seed !== 'number') return initializer;
  let hash = 0;
  for (const char of weightName) hash = (hash * 31 + (char.codePointAt(0) as number)) % 1_000_003;
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[initializer.getClassName()];
  if (!entry) return initializer;
  const [cls, fromConfig] = entry;
  return fromConfig(cls, { ...config, seed: config.seed + hash }) as Initializer;
}

/**
 * Shared machinery of tiedformer's layers: class-prefixed errors, weights named under a
 * parent's scope when the layer lives inside a composite layer, and weight lists that include
 * the children of a composite.
 * @internal
 */
export abstract class BaseLayer extends tf.layers.Layer {
  /** Prefix of this layer's weight names, set by a composite parent (`'attention/'`). */
  private weightPrefix = '';
  private readonly children: BaseLayer[] = [];

  constructor(args?: LayerArgs) {
    super(args);
    // A build that throws halfway (a weight over the size limit after others were made) must
    // not leave variables behind: they would leak, and a retry would add a second set. The
    // wrapper rolls back what the failed build added, in this layer and its children.
    const build = this.build.bind(this);
    this.build = (inputShape: tf.Shape | tf.Shape[]) => {
      const before = new Set(this.weights);
      const unbuilt = [this as BaseLayer, ...this.descendants()].filter((layer) => !layer.built);
      try {
        build(inputShape);
      } catch (error) {
        for (const weight of this.weights) if (!before.has(weight)) weight.dispose();
        for (const layer of unbuilt) layer.keepOnly(before);
        throw error;
      }
    };
  }

  /** Every composite child, grandchildren included. */
  private descendants(): BaseLayer[] {
    return this.children.flatMap((child) => [child, ...child.descendants()]);
  }

  /** Forgets the own weights not in `kept` and marks the layer unbuilt (a failed build's rollback). */
  private keepOnly(kept: Set<LayerWeight>): void {
    this._trainableWeights = this._trainableWeights.filter((w) => kept.has(w));
    if (this.trainable)
      super.nonTrainableWeights = super.nonTrainableWeights.filter((w) => kept.has(w));
    this.built = false;
  }

  /**
   * The last dimension of a build's input shape (the first input's, for a list).
   * @throws RangeError if it is unknown (`null`) or the shape is empty.
   */
  protected lastDimension(inputShape: tf.Shape | tf.Shape[]): number {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const d = shape[shape.length - 1];
    if (d == null) this.fail(`input needs a known last dimension, got shape [${shape}]`);
    return d;
  }

  /**
   * The call's input tensor (the first, for a list), checked to end in `expected` (any size
   * when it is unknown: a layer without weights has nothing to match).
   * @throws RangeError naming the expected size and the shape received.
   */
  protected inputEndingIn(
    inputs: tf.Tensor | tf.Tensor[],
    expected: number | null | undefined,
  ): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    if (expected != null && x.shape[x.rank - 1] !== expected)
      this.fail(`input last dimension must be ${expected}, got shape [${x.shape}]`);
    return x;
  }

  /** Throws a `RangeError` prefixed with the class name. */
  protected fail(message: string): never {
    return fail(
      (this.constructor as { className?: string }).className ?? this.getClassName(),
      message,
    );
  }

  /**
   * Adds a float32 weight named under the parent's scope. A seeded initializer gets a seed
   * derived from the weight's name, so two matrices sharing one seeded initializer (q and k,
   * gate and up) are drawn independently, yet reproducibly.
   */
  protected addParam(name: string, shape: number[], initializer: Initializer): LayerWeight {
    const fullName = `${this.weightPrefix}${name}`;
    checkWeightSize(this.getClassName(), fullName, shape);
    const init = zeroInitActive() ? zeroInitializer() : reseeded(initializer, fullName);
    return this.addWeight(fullName, shape, 'float32', init);
  }

  /** Registers a child layer whose weights this layer reports, saves and trains. */
  protected adopt<T extends BaseLayer>(child: T, scope: string): T {
    child.weightPrefix = `${this.weightPrefix}${scope}/`;
    this.children.push(child);
    return child;
  }

  /** Builds a child now, so its weights exist as soon as this layer is built. */
  protected buildChild(child: BaseLayer, inputShape: tf.Shape | tf.Shape[]): void {
    if (!child.built) {
      child.build(inputShape);
      child.built = true;
    }
  }

  /** This layer's trainable weights, followed by its children's. */
  override get trainableWeights(): LayerWeight[] {
    if (!this.trainable) return [];
    return [...super.trainableWeights, ...this.children.flatMap((c) => c.trainableWeights)];
  }

  /** Replaces this layer's own trainable weights (tfjs internals use it). */
  override set trainableWeights(weights: LayerWeight[]) {
    this._trainableWeights = weights;
  }

  /** This layer's non-trainable weights and its children's (all of them when frozen). */
  override get nonTrainableWeights(): LayerWeight[] {
    const own = super.nonTrainableWeights;
    if (!this.trainable) {
      return [
        ...own,
        ...this.children.flatMap((c) => [...c.trainableWeights, ...c.nonTrainableWeights]),
      ];
    }
    return [...own, ...this.children.flatMap((c) => c.nonTrainableWeights)];
  }

  /** Replaces this layer's own non-trainable weights (tfjs internals use it). */
  override set nonTrainableWeights(weights: LayerWeight[]) {
    super.nonTrainableWeights = weights;
  }
}
