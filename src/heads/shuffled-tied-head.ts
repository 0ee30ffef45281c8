import * as tf from '@tensorflow/tfjs';
import { knownOptions } from '../analysis/known-options.js';
import { type ShuffleSpec, shufflePermutation } from '../analysis/shuffle-permutation.js';
import type { Kwargs } from '../layers/base-layer.js';
import { isClass } from '../layers/is-class.js';
import type { TokenEmbedding } from '../layers/token-embedding.js';
import { type TiedHeadArgs, TiedHeadBase } from './tied-head-base.js';

/**
 * Options of {@link ShuffledTiedHead}.
 *
 * @example
 * ```ts
 * import { TokenEmbedding, type ShuffledTiedHeadArgs } from 'tiedformer';
 * const embedding = new TokenEmbedding({ vocabSize: 100, hiddenSize: 16 });
 * const args: ShuffledTiedHeadArgs = { embedding, shuffle: { groups: 4 } };
 * ```
 */
export interface ShuffledTiedHeadArgs extends TiedHeadArgs {
  /** The permutation: `'swap-halves'` or ShuffleNet's channel shuffle `{ groups }`. */
  shuffle: ShuffleSpec;
}

/**
 * Parameter-free remedy for the tied head's high initial loss: permute the hidden dimensions,
 * then project onto the tied matrix, `logits = shuffle(h)·Eᵀ`. At init, `shuffle(x_i)·x_i ≈ 0`
 * (only fixed points of the permutation contribute), so the input token's own logit no longer
 * dominates; the head behaves like an untied one built from two halves of `E` (remedy 4
 * of docs/theory.md §4). No weights.
 *
 * `'swap-halves'` maps `[h₁, h₂]` to `[h₂, h₁]` (no fixed points). `{ groups: g }` reshapes
 * `d` into `(g, d/g)`, transposes and flattens; it has `gcd(g − 1, d/g − 1) + 1` fixed points,
 * and `g = 1` or `g = d` is the identity, which is rejected.
 *
 * Input `[..., d]` float32, output `[..., vocabSize]`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { RMSNorm, ShuffledTiedHead, TokenEmbedding } from 'tiedformer';
 * const embedding = new TokenEmbedding({ vocabSize: 1000, hiddenSize: 64 });
 * const ids = tf.input({ shape: [16], dtype: 'int32' });
 * const hidden = new RMSNorm({}).apply(embedding.apply(ids)) as tf.SymbolicTensor;
 * const head = new ShuffledTiedHead({ embedding, shuffle: 'swap-halves' });
 * const model = tf.model({ inputs: ids, outputs: head.apply(hidden) as tf.SymbolicTensor });
 * ```
 */
export class ShuffledTiedHead extends TiedHeadBase {
  /** Registered class name. */
  static readonly className = 'ShuffledTiedHead';
  /** The permutation. */
  readonly shuffle: ShuffleSpec;

  /**
   * @param args - The embedding and the shuffle.
   * @throws RangeError on a missing embedding, an odd `d` for `'swap-halves'`, groups that do
   *   not divide `d`, or an identity shuffle (checked once `d` is known: at construction if
   *   the embedding is given, else when built).
   */
  constructor(args: ShuffledTiedHeadArgs) {
    super(knownOptions('ShuffledTiedHead', args, ['embedding', 'shuffle'], { layer: true }));
    const shuffle = args.shuffle;
    if (
      shuffle !== 'swap-halves' &&
      !(typeof shuffle === 'object' && shuffle !== null && 'groups' in shuffle)
    ) {
      this.fail(`shuffle must be 'swap-halves' or { groups }, got ${JSON.stringify(shuffle)}`);
    }
    this.shuffle = shuffle;
    if (isClass(args.embedding, 'TokenEmbedding'))
      this.checkShuffle((args.embedding as TokenEmbedding).hiddenSize);
  }

  private checkShuffle(hiddenSize: number): void {
    try {
      shufflePermutation(hiddenSize, this.shuffle);
    } catch (error) {
      this.fail((error as Error).message.replace('[shufflePermutation] ', ''));
    }
  }

  override build(_inputShape: tf.Shape | tf.Shape[]): void {
    this.checkShuffle(this.embedding.hiddenSize);
    this.built = true;
  }

  /**
   * Permutes the last axis like `shufflePermutation(d, shuffle).indices`, with reshapes,
   * transposes and concatenations only: their gradients exist on every backend (a `gather`
   * along the axis would need `UnsortedSegmentSum`, which wasm lacks).
   */
  private permute(h: tf.Tensor): tf.Tensor {
    const d = h.shape[h.rank - 1] as number;
    const lead = h.shape.slice(0, -1);
    if (this.shuffle === 'swap-halves') {
      const [first, second] = tf.split(h, 2, -1) as [tf.Tensor, tf.Tensor];
      return tf.concat([second, first], -1);
    }
    const groups = this.shuffle.groups;
    const flat = tf.reshape(h, [-1, groups, d / groups]); // [tokens, g, d/g]
    return tf.reshape(tf.transpose(flat, [0, 2, 1]), [...lead, d]); // [..., d]
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const h = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      if (h.shape[h.rank - 1] !== this.embedding.hiddenSize) return this.tiedLogits(h); // reports the error
      return this.tiedLogits(this.permute(h));
    });
  }

  /** The constructor arguments, with the embedding as `{ name }`. */
  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      shuffle: this.shuffle === 'swap-halves' ? 'swap-halves' : { groups: this.shuffle.groups },
    };
  }
}
tf.serialization.registerClass(ShuffledTiedHead);
