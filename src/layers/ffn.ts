import * as tf from '@tensorflow/tfjs';
import { knownOptions } from '../analysis/known-options.js';
import { boolean, oneOf, positiveInteger } from '../analysis/validation.js';
import { gelu, geluTanh } from '../backend/activations.js';
import { dense } from '../backend/mat-mul.js';
import { ProjectionInitializers } from '../init/projection-initializers.js';
import type { InitializerSpec } from '../init/resolve-initializer.js';
import { BaseLayer, type Kwargs, type LayerArgs, type LayerWeight } from './base-layer.js';

/**
 * Activation of an {@link FFN}: `'gelu'` (exact, with erf), `'gelu_tanh'` (tanh approximation,
 * GPT-2) and `'relu'` use two matrices; `'swiglu'` (SiLU gate), `'geglu'` (GELU gate) and
 * `'geglu_tanh'` (tanh-GELU gate, Gemma) use three.
 *
 * @example
 * ```ts
 * import type { FFNActivation } from 'tiedformer';
 * const act: FFNActivation = 'swiglu';
 * ```
 */
export type FFNActivation = 'gelu' | 'gelu_tanh' | 'relu' | 'swiglu' | 'geglu' | 'geglu_tanh';

/**
 * Options of {@link FFN}.
 *
 * @example
 * ```ts
 * import type { FFNArgs } from 'tiedformer';
 * const args: FFNArgs = { intermediateSize: 1024, activation: 'gelu', useBias: false };
 * ```
 */
export interface FFNArgs extends LayerArgs {
  /** Inner width `f`. */
  intermediateSize: number;
  /** Activation. Default `'gelu'`. */
  activation?: FFNActivation;
  /** Biases on every matrix. Default `false`. */
  useBias?: boolean;
  /** Initializer of the input-side matrices. Default `normal({ std: 0.02 })`. */
  kernelInitializer?: InitializerSpec;
  /** Initializer of the output matrix (a residual branch's end: see {@link scaledResidual}). Default: `kernelInitializer`. */
  outputInitializer?: InitializerSpec;
}

const ACTIVATIONS = ['gelu', 'gelu_tanh', 'relu', 'swiglu', 'geglu', 'geglu_tanh'] as const;

/**
 * Validates an activation name. tfjs re-cases snake_case string values of a saved config
 * (`'gelu_tanh'` comes back as `'geluTanh'`), so those spellings are read back too.
 * @internal
 */
export function ffnActivation(owner: string, value: unknown): FFNActivation {
  const restored =
    value === 'geluTanh' ? 'gelu_tanh' : value === 'gegluTanh' ? 'geglu_tanh' : value;
  return oneOf(owner, 'activation', restored as string, ACTIVATIONS);
}

/**
 * Position-wise feed-forward block of a transformer, on the last axis:
 *
 * - `'gelu'`, `'gelu_tanh'`, `'relu'`: `y = act(x·W_up + b_up)·W_down + b_down`
 * - `'swiglu'`, `'geglu'`, `'geglu_tanh'`: `y = (act(x·W_gate + b_gate) ⊙ (x·W_up + b_up))·W_down + b_down`
 *   with SiLU, GELU or tanh-GELU as `act` (Shazeer 2020)
 *
 * Input `[..., d]`, output `[..., d]`. Weights: `up_kernel [d, f]`, `gate_kernel [d, f]`
 * (gated only), `down_kernel [f, d]`, and biases if `useBias`. Every product folds the
 * leading axes into one 2-D matmul (the fast form on every backend).
 *
 * @see Shazeer 2020, "GLU Variants Improve Transformer".
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { FFN } from 'tiedformer';
 * const ffn = new FFN({ intermediateSize: 64, activation: 'swiglu' });
 * const y = ffn.apply(tf.randomNormal([2, 5, 16])) as tf.Tensor; // [2, 5, 16]
 * ```
 */
export class FFN extends BaseLayer {
  /** Registered class name. */
  static readonly className = 'FFN';
  /** Inner width `f`. */
  readonly intermediateSize: number;
  /** Activation. */
  readonly activation: FFNActivation;
  /** Whether the matrices have biases. */
  readonly useBias: boolean;
  private readonly initializers: ProjectionInitializers;
  private weightsByName: Record<string, LayerWeight> = {};

  /**
   * @param args - Inner width, activation, biases and initializers (see {@link FFNArgs}).
   * @throws RangeError on a non-integer width or an unknown activation.
   */
  constructor(args: FFNArgs) {
    super(
      knownOptions(
        'FFN',
        args,
        ['intermediateSize', 'activation', 'useBias', 'kernelInitializer', 'outputInitializer'],
        { layer: true },
      ),
    );
    this.intermediateSize = positiveInteger('FFN', 'intermediateSize', args?.intermediateSize);
    this.activation = ffnActivation('FFN', args.activation ?? 'gelu');
    this.useBias = boolean('FFN', 'useBias', args.useBias ?? false);
    this.initializers = new ProjectionInitializers('FFN', args);
  }

  /** Whether the activation gates (three matrices). */
  get gated(): boolean {
    return (
      this.activation === 'swiglu' ||
      this.activation === 'geglu' ||
      this.activation === 'geglu_tanh'
    );
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const d = this.lastDimension(inputShape);
    const f = this.intermediateSize;
    const w = this.weightsByName;
    if (this.gated) w.gate_kernel = this.addParam('gate_kernel', [d, f], this.initializers.kernel);
    w.up_kernel = this.addParam('up_kernel', [d, f], this.initializers.kernel);
    w.down_kernel = this.addParam('down_kernel', [f, d], this.initializers.output);
    if (this.useBias) {
      if (this.gated) w.gate_bias = this.addParam('gate_bias', [f], tf.initializers.zeros());
      w.up_bias = this.addParam('up_bias', [f], tf.initializers.zeros());
      w.down_bias = this.addParam('down_bias', [d], tf.initializers.zeros());
    }
    this.built = true;
  }

  private project(x: tf.Tensor, kernel: string, bias: string): tf.Tensor {
    const y = dense(x, (this.weightsByName[kernel] as LayerWeight).read());
    const b = this.weightsByName[bias];
    return b ? tf.add(y, b.read()) : y;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = this.inputEndingIn(inputs, (this.weightsByName.up_kernel as LayerWeight).shape[0]);
      const up = this.project(x, 'up_kernel', 'up_bias'); // [..., f]
      let inner: tf.Tensor;
      if (this.activation === 'relu') inner = tf.relu(up);
      else if (this.activation === 'gelu') inner = gelu(up);
      else if (this.activation === 'gelu_tanh') inner = geluTanh(up);
      else {
        const gate = this.project(x, 'gate_kernel', 'gate_bias'); // [..., f]
        const act =
          this.activation === 'swiglu'
            ? tf.mul(gate, tf.sigmoid(gate))
            : this.activation === 'geglu_tanh'
              ? geluTanh(gate)
              : gelu(gate);
        inner = tf.mul(act, up);
      }
      return this.project(inner, 'down_kernel', 'down_bias'); // [..., d]
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      intermediateSize: this.intermediateSize,
      activation: this.activation,
      useBias: this.useBias,
      ...this.initializers.getConfig(),
    };
  }
}
tf.serialization.registerClass(FFN);
