import * as tf from '@tensorflow/tfjs';
import { knownOptions } from '../analysis/known-options.js';
import { boolean, nonNegativeInteger, oneOf } from '../analysis/validation.js';
import { gelu } from '../backend/activations.js';
import { dense } from '../backend/mat-mul.js';
import { orthogonal } from '../init/orthogonal.js';
import type { Kwargs, LayerWeight } from '../layers/base-layer.js';
import { RMSNorm } from '../layers/rms-norm.js';
import { type TiedHeadArgs, TiedHeadBase } from './tied-head-base.js';

/**
 * Activation between an {@link OrthoProjectionHead}'s projection and its tied matrix.
 *
 * @example
 * ```ts
 * import type { ProjectionActivation } from 'tiedformer';
 * const act: ProjectionActivation = 'gelu'; // BERT
 * ```
 */
export type ProjectionActivation = 'linear' | 'gelu' | 'relu' | 'tanh';

/**
 * Options of {@link OrthoProjectionHead}.
 *
 * @example
 * ```ts
 * import { TokenEmbedding, type OrthoProjectionHeadArgs } from 'tiedformer';
 * const embedding = new TokenEmbedding({ vocabSize: 100, hiddenSize: 16 });
 * // BERT's MLM head: dense + bias, GELU, norm, then the tied matrix.
 * const args: OrthoProjectionHeadArgs = { embedding, useBias: true, activation: 'gelu', norm: true };
 * ```
 */
export interface OrthoProjectionHeadArgs extends TiedHeadArgs {
  /** Bias on the projection. Default `false`. */
  useBias?: boolean;
  /** Activation after the projection. Default `'linear'` (none). */
  activation?: ProjectionActivation;
  /** An RMSNorm after the activation (BERT uses a LayerNorm there). Default `false`. */
  norm?: boolean;
  /** Seed of the orthogonal init. Unseeded if omitted. */
  seed?: number;
}

/**
 * Orthogonal-projection remedy for the tied head (remedy 3 of docs/theory.md §4; what BERT's
 * MLM head does): `logits = norm(act(h·W + b))·Eᵀ` with `W [d, d]` initialised as a random
 * orthogonal matrix. A random rotation makes `W·x_i` nearly independent of `x_i`, so the input
 * token's own logit stops dominating at init: the head starts like an untied one, at
 * `≈ ln n + d·σ²/2`. Costs `d²` parameters (+ `d` bias, + `d` norm gain).
 *
 * Input `[..., d]` float32, output `[..., vocabSize]`. Weights: `kernel [d, d]`, `bias [d]`
 * (if `useBias`), `norm/gamma [d]` (if `norm`).
 *
 * @see Devlin et al. 2019 (BERT); Saxe et al. 2014 (orthogonal init).
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { OrthoProjectionHead, RMSNorm, TokenEmbedding } from 'tiedformer';
 * const embedding = new TokenEmbedding({ vocabSize: 1000, hiddenSize: 64 });
 * const ids = tf.input({ shape: [16], dtype: 'int32' });
 * const hidden = new RMSNorm({}).apply(embedding.apply(ids)) as tf.SymbolicTensor;
 * const head = new OrthoProjectionHead({ embedding, seed: 1 });
 * const model = tf.model({ inputs: ids, outputs: head.apply(hidden) as tf.SymbolicTensor });
 * ```
 */
export class OrthoProjectionHead extends TiedHeadBase {
  /** Registered class name. */
  static readonly className = 'OrthoProjectionHead';
  /** Whether the projection has a bias. */
  readonly useBias: boolean;
  /** Activation after the projection. */
  readonly activation: ProjectionActivation;
  /** Whether an RMSNorm follows the activation. */
  readonly norm: boolean;
  /** Seed of the orthogonal init, if any. */
  readonly seed: number | undefined;
  private kernel?: LayerWeight;
  private bias?: LayerWeight;
  private readonly normLayer: RMSNorm | undefined;

  /**
   * @param args - The embedding, bias, activation, norm and seed.
   * @throws RangeError on a missing embedding, an unknown activation or a bad seed.
   */
  constructor(args: OrthoProjectionHeadArgs) {
    super(
      knownOptions(
        'OrthoProjectionHead',
        args,
        ['embedding', 'useBias', 'activation', 'norm', 'seed'],
        { layer: true },
      ),
    );
    const owner = 'OrthoProjectionHead';
    this.useBias = boolean(owner, 'useBias', args.useBias ?? false);
    this.activation = oneOf(owner, 'activation', args.activation ?? 'linear', [
      'linear',
      'gelu',
      'relu',
      'tanh',
    ] as const);
    this.norm = boolean(owner, 'norm', args.norm ?? false);
    this.seed = args.seed === undefined ? undefined : nonNegativeInteger(owner, 'seed', args.seed);
    this.normLayer = this.norm ? this.adopt(new RMSNorm({}), 'norm') : undefined;
  }

  override build(_inputShape: tf.Shape | tf.Shape[]): void {
    const d = this.embedding.hiddenSize;
    this.kernel = this.addParam(
      'kernel',
      [d, d],
      orthogonal(this.seed === undefined ? {} : { seed: this.seed }),
    );
    if (this.useBias) this.bias = this.addParam('bias', [d], tf.initializers.zeros());
    if (this.normLayer) this.buildChild(this.normLayer, [null, d]);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const h = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      if (h.shape[h.rank - 1] !== this.embedding.hiddenSize) return this.tiedLogits(h); // reports the error
      let projected = dense(h, (this.kernel as LayerWeight).read()); // [..., d]
      if (this.bias) projected = tf.add(projected, this.bias.read());
      if (this.activation === 'gelu') projected = gelu(projected);
      else if (this.activation === 'relu') projected = tf.relu(projected);
      else if (this.activation === 'tanh') projected = tf.tanh(projected);
      if (this.normLayer) projected = this.normLayer.call(projected, kwargs) as tf.Tensor;
      return this.tiedLogits(projected);
    });
  }

  /** The constructor arguments, with the embedding as `{ name }`. */
  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      useBias: this.useBias,
      activation: this.activation,
      norm: this.norm,
      ...(this.seed === undefined ? {} : { seed: this.seed }),
    };
  }
}
tf.serialization.registerClass(OrthoProjectionHead);
