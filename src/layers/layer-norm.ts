import * as tf from '@tensorflow/tfjs';
import { knownOptions } from '../analysis/known-options.js';
import { boolean, positiveNumber } from '../analysis/validation.js';
import { BaseLayer, type Kwargs, type LayerArgs, type LayerWeight } from './base-layer.js';

/**
 * Options of {@link LayerNorm}.
 *
 * @example
 * ```ts
 * import type { LayerNormArgs } from 'tiedformer';
 * const args: LayerNormArgs = { epsilon: 1e-5 };
 * ```
 */
export interface LayerNormArgs extends LayerArgs {
  /** Added to the variance before the square root (> 0). Default `1e-5` (PyTorch's `nn.LayerNorm`). */
  epsilon?: number;
  /** Learn a bias `β` (initialised to 0). Default `true`. */
  center?: boolean;
  /** Learn a gain `γ` (initialised to 1). Default `true`. */
  scale?: boolean;
}

/**
 * Layer normalisation (Ba et al. 2016) over the last axis, as GPT-2 and BERT use it:
 *
 * `y = (x − mean(x)) / √(var(x) + ε) · γ + β`, with the biased variance `mean((x − mean(x))²)`
 * (PyTorch's `nn.LayerNorm`).
 *
 * Input `[..., d]`, output the same shape. Weights: `gamma [d]` (if `scale`), `beta [d]`
 * (if `center`).
 *
 * @see Ba, Kiros & Hinton 2016, "Layer Normalization".
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { LayerNorm } from 'tiedformer';
 * const norm = new LayerNorm({ epsilon: 1e-5 });
 * const y = norm.apply(tf.randomNormal([2, 5, 16])) as tf.Tensor; // [2, 5, 16], mean 0, var ≈ 1
 * ```
 */
export class LayerNorm extends BaseLayer {
  /** Registered class name. */
  static readonly className = 'LayerNorm';
  /** Added to the variance. */
  readonly epsilon: number;
  /** Whether a bias `β` is learned. */
  readonly center: boolean;
  /** Whether a gain `γ` is learned. */
  readonly scale: boolean;
  private gamma?: LayerWeight;
  private beta?: LayerWeight;

  /**
   * @param args - Epsilon, center and scale (see {@link LayerNormArgs}).
   * @throws RangeError if `epsilon` is not a finite number > 0.
   */
  constructor(args: LayerNormArgs = {}) {
    super(knownOptions('LayerNorm', args, ['epsilon', 'center', 'scale'], { layer: true }));
    this.epsilon = positiveNumber('LayerNorm', 'epsilon', args.epsilon ?? 1e-5);
    this.center = boolean('LayerNorm', 'center', args.center ?? true);
    this.scale = boolean('LayerNorm', 'scale', args.scale ?? true);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const d = this.lastDimension(inputShape);
    if (this.scale) this.gamma = this.addParam('gamma', [d], tf.initializers.ones());
    if (this.center) this.beta = this.addParam('beta', [d], tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = this.inputEndingIn(inputs, (this.gamma ?? this.beta)?.shape[0]);
      const centered = tf.sub(x, tf.mean(x, -1, true)); // [..., d]
      const variance = tf.mean(tf.square(centered), -1, true); // [..., 1]
      let y = tf.mul(centered, tf.rsqrt(tf.add(variance, this.epsilon)));
      if (this.gamma) y = tf.mul(y, this.gamma.read());
      if (this.beta) y = tf.add(y, this.beta.read());
      return y;
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon, center: this.center, scale: this.scale };
  }
}
tf.serialization.registerClass(LayerNorm);
