import * as tf from '@tensorflow/tfjs';
import { knownOptions } from '../analysis/known-options.js';
import { boolean, positiveInteger } from '../analysis/validation.js';
import { dense } from '../backend/mat-mul.js';
import { normal } from '../init/normal.js';
import {
  type InitializerSpec,
  resolveInitializer,
  serializeInitializer,
} from '../init/resolve-initializer.js';
import { BaseLayer, type Kwargs, type LayerArgs, type LayerWeight } from '../layers/base-layer.js';

/**
 * Options of {@link UntiedLMHead}.
 *
 * @example
 * ```ts
 * import { normal, type UntiedLMHeadArgs } from 'tiedformer';
 * const args: UntiedLMHeadArgs = { vocabSize: 1000, kernelInitializer: normal({ std: 0.02 }) };
 * ```
 */
export interface UntiedLMHeadArgs extends LayerArgs {
  /** Vocabulary size `n`. */
  vocabSize: number;
  /** A logit bias `[n]`. Default `false`. */
  useBias?: boolean;
  /** Initializer of the output matrix `[d, n]`. Default `normal({ std: 0.02 })`. */
  kernelInitializer?: InitializerSpec;
}

/**
 * An independent output matrix, `logits = h·W (+ b)` with `W [d, vocabSize]`, for comparison
 * with the tied heads (remedy 2 in the theory guide, docs/theory.md §4): it adds `d·n`
 * parameters and starts at `≈ ln n + d·σ²/2` whatever the trunk (no self logit).
 *
 * Input `[..., d]`, output `[..., vocabSize]`. Weights: `kernel [d, n]`, `bias [n]` (if `useBias`).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { UntiedLMHead } from 'tiedformer';
 * const head = new UntiedLMHead({ vocabSize: 1000 });
 * const logits = head.apply(tf.randomNormal([2, 5, 64])) as tf.Tensor; // [2, 5, 1000]
 * ```
 */
export class UntiedLMHead extends BaseLayer {
  /** Registered class name. */
  static readonly className = 'UntiedLMHead';
  /** Vocabulary size `n`. */
  readonly vocabSize: number;
  /** Whether a logit bias is learned. */
  readonly useBias: boolean;
  private readonly kernelInitializer: ReturnType<typeof resolveInitializer>;
  private kernel?: LayerWeight;
  private bias?: LayerWeight;

  /**
   * @param args - Vocabulary size, bias and initializer.
   * @throws RangeError on a non-integer vocabulary size or an unknown initializer.
   */
  constructor(args: UntiedLMHeadArgs) {
    super(
      knownOptions('UntiedLMHead', args, ['vocabSize', 'useBias', 'kernelInitializer'], {
        layer: true,
      }),
    );
    this.vocabSize = positiveInteger('UntiedLMHead', 'vocabSize', args?.vocabSize);
    this.useBias = boolean('UntiedLMHead', 'useBias', args.useBias ?? false);
    this.kernelInitializer = resolveInitializer(
      'UntiedLMHead',
      'kernelInitializer',
      args.kernelInitializer ?? normal({ std: 0.02 }),
    );
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const d = this.lastDimension(inputShape);
    this.kernel = this.addParam('kernel', [d, this.vocabSize], this.kernelInitializer);
    if (this.useBias) this.bias = this.addParam('bias', [this.vocabSize], tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const h = this.inputEndingIn(inputs, (this.kernel as LayerWeight).shape[0]);
      const logits = dense(h, (this.kernel as LayerWeight).read());
      return this.bias ? tf.add(logits, this.bias.read()) : logits;
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), this.vocabSize];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      vocabSize: this.vocabSize,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
    };
  }
}
tf.serialization.registerClass(UntiedLMHead);
