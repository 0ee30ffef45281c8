import * as tf from '@tensorflow/tfjs';
import { knownOptions } from '../analysis/known-options.js';
import { boolean, positiveNumber } from '../analysis/validation.js';
import type { Kwargs, LayerWeight } from '../layers/base-layer.js';
import { type TiedHeadArgs, TiedHeadBase } from './tied-head-base.js';

/**
 * Options of {@link TiedLMHead}.
 *
 * @example
 * ```ts
 * import { TokenEmbedding, type TiedLMHeadArgs } from 'tiedformer';
 * const embedding = new TokenEmbedding({ vocabSize: 100, hiddenSize: 16 });
 * const args: TiedLMHeadArgs = { embedding, logitSoftCap: 30 };
 * ```
 */
export interface TiedLMHeadArgs extends TiedHeadArgs {
  /** A learned bias `b [vocabSize]` on the logits (BERT's MLM head). Default `false`. */
  useBias?: boolean;
  /** Multiplier of the logits, e.g. `1/√d` (T5, Flax lm1b). Default `1`. */
  logitScale?: number;
  /** Soft cap `c`: logits become `c·tanh(z/c)` (Gemma 2 uses 30). Default: none. */
  logitSoftCap?: number;
}

/**
 * The plain tied output head: `logits = (h·Eᵀ + b) · scale`, optionally soft-capped as
 * `c·tanh(z/c)`. Reuses the embedding's `E` (no copy, no new `n×d` parameters).
 *
 * At init the input token's own logit is `≈ d·σ/√(1 + κ²)`, `κ²` = (position + residual
 * variance)/σ² of the last hidden state (docs/theory.md §1–2). It starts high when `κ` is small
 * (zero-initialised branches, no additive positions) and `d·σ > ln n`; see
 * {@link analysis!estimateCausalLMInitialLoss} for a given model and the other heads for remedies.
 *
 * Input `[..., d]` float32, output `[..., vocabSize]`. Weights: `bias [vocabSize]` if `useBias`.
 *
 * @see Press & Wolf 2017; Inan et al. 2017.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { RMSNorm, TiedLMHead, TokenEmbedding } from 'tiedformer';
 * const embedding = new TokenEmbedding({ vocabSize: 1000, hiddenSize: 64 });
 * const ids = tf.input({ shape: [16], dtype: 'int32' });
 * const hidden = new RMSNorm({}).apply(embedding.apply(ids)) as tf.SymbolicTensor;
 * const logits = new TiedLMHead({ embedding, logitSoftCap: 30 }).apply(hidden) as tf.SymbolicTensor;
 * const model = tf.model({ inputs: ids, outputs: logits }); // E stored once
 * ```
 */
export class TiedLMHead extends TiedHeadBase {
  /** Registered class name. */
  static readonly className = 'TiedLMHead';
  /** Whether a logit bias is learned. */
  readonly useBias: boolean;
  /** Logit multiplier. */
  readonly logitScale: number;
  /** Soft cap, if any. */
  readonly logitSoftCap: number | undefined;
  private bias?: LayerWeight;

  /**
   * @param args - The embedding, bias, scale and soft cap.
   * @throws RangeError on a missing embedding or a non-positive scale or cap.
   */
  constructor(args: TiedLMHeadArgs) {
    super(
      knownOptions('TiedLMHead', args, ['embedding', 'useBias', 'logitScale', 'logitSoftCap'], {
        layer: true,
      }),
    );
    this.useBias = boolean('TiedLMHead', 'useBias', args.useBias ?? false);
    this.logitScale = positiveNumber('TiedLMHead', 'logitScale', args.logitScale ?? 1);
    this.logitSoftCap =
      args.logitSoftCap === undefined
        ? undefined
        : positiveNumber('TiedLMHead', 'logitSoftCap', args.logitSoftCap);
  }

  override build(_inputShape: tf.Shape | tf.Shape[]): void {
    if (this.useBias)
      this.bias = this.addParam('bias', [this.embedding.vocabSize], tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const h = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      let logits = this.tiedLogits(h);
      if (this.bias) logits = tf.add(logits, this.bias.read());
      if (this.logitScale !== 1) logits = tf.mul(logits, this.logitScale);
      if (this.logitSoftCap !== undefined) {
        logits = tf.mul(tf.tanh(tf.div(logits, this.logitSoftCap)), this.logitSoftCap);
      }
      return logits;
    });
  }

  /** The constructor arguments, with the embedding as `{ name }`. */
  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      useBias: this.useBias,
      logitScale: this.logitScale,
      ...(this.logitSoftCap === undefined ? {} : { logitSoftCap: this.logitSoftCap }),
    };
  }
}
tf.serialization.registerClass(TiedLMHead);
