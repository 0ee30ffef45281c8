import * as tf from '@tensorflow/tfjs';
import { knownOptions } from '../analysis/known-options.js';
import { boolean, positiveNumber } from '../analysis/validation.js';
import { BaseLayer, type Kwargs, type LayerArgs, type LayerWeight } from './base-layer.js';

/**
 * Options of {@link RMSNorm}.
 *
 * @example
 * ```ts
 * import type { RMSNormArgs } from 'tiedformer';
 * const args: RMSNormArgs = { epsilon: 1e-5, center: false, scale: true };
 * ```
 */
export interface RMSNormArgs extends LayerArgs {
  /** Added to the mean square before the square root (> 0). Default `1e-6`. */
  epsilon?: number;
  /** Learn a bias `β` added after scaling. Default `false`. */
  center?: boolean;
  /** Learn a gain `γ` (initialised to 1). Default `true`. */
  scale?: boolean;
  /**
   * Gemma's form `x̂·(1 + γ)`: the stored gain is an offset from 1, initialised to 0 (so a
   * Gemma checkpoint's weights load unchanged). Default `false`.
   */
  unitOffset?: boolean;
}

/**
 * Root-mean-square layer normalisation (Zhang & Sennrich 2019) over the last axis:
 *
 * `y = x / √(mean(x²) + ε) · γ (+ β)`, or `· (1 + γ)` with `unitOffset` (Gemma)
 *
 * Unlike LayerNorm it does not subtract the mean, which is what modern LMs (Llama, Gemma,
 * Mistral, Qwen) use before attention, before the MLP and before the head.
 *
 * Input `[..., d]`, output the same shape. Weights: `gamma [d]` (if `scale`), `beta [d]`
 * (if `center`).
 *
 * @see Zhang & Sennrich 2019, "Root Mean Square Layer Normalization".
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { RMSNorm } from 'tiedformer';
 * const norm = new RMSNorm({ epsilon: 1e-6 });
 * const y = norm.apply(tf.randomNormal([2, 5, 16])) as tf.Tensor; // [2, 5, 16], rms ≈ 1
 * ```
 */
export class RMSNorm extends BaseLayer {
  /** Registered class name. */
  static readonly className = 'RMSNorm';
  /** Added to the mean square. */
  readonly epsilon: number;
  /** Whether a bias `β` is learned. */
  readonly center: boolean;
  /** Whether a gain `γ` is learned. */
  readonly scale: boolean;
  /** Whether the gain is applied as `1 + γ`. */
  readonly unitOffset: boolean;
  private gamma?: LayerWeight;
  private beta?: LayerWeight;

  /**
   * @param args - Epsilon, center and scale (see {@link RMSNormArgs}).
   * @throws RangeError if `epsilon` is not a finite number > 0.
   */
  constructor(args: RMSNormArgs = {}) {
    super(
      knownOptions('RMSNorm', args, ['epsilon', 'center', 'scale', 'unitOffset'], { layer: true }),
    );
    this.epsilon = positiveNumber('RMSNorm', 'epsilon', args.epsilon ?? 1e-6);
    this.center = boolean('RMSNorm', 'center', args.center ?? false);
    this.scale = boolean('RMSNorm', 'scale', args.scale ?? true);
    this.unitOffset = boolean('RMSNorm', 'unitOffset', args.unitOffset ?? false);
    if (this.unitOffset && !this.scale) this.fail('unitOffset needs scale: true');
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const d = this.lastDimension(inputShape);
    const gammaInit = this.unitOffset ? tf.initializers.zeros() : tf.initializers.ones();
    if (this.scale) this.gamma = this.addParam('gamma', [d], gammaInit);
    if (this.center) this.beta = this.addParam('beta', [d], tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = this.inputEndingIn(inputs, (this.gamma ?? this.beta)?.shape[0]);
      const meanSquare = tf.mean(tf.square(x), -1, true); // [..., 1]
      let y = tf.mul(x, tf.rsqrt(tf.add(meanSquare, this.epsilon)));
      if (this.gamma)
        y = tf.mul(y, this.unitOffset ? tf.add(this.gamma.read(), 1) : this.gamma.read());
      if (this.beta) y = tf.add(y, this.beta.read());
      return y;
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      unitOffset: this.unitOffset,
    };
  }
}
tf.serialization.registerClass(RMSNorm);
