import * as tf from '@tensorflow/tfjs';
import { knownOptions } from '../analysis/known-options.js';
import { positiveInteger } from '../analysis/validation.js';
import { normal } from '../init/normal.js';
import {
  type InitializerSpec,
  resolveInitializer,
  serializeInitializer,
} from '../init/resolve-initializer.js';
import { BaseLayer, type Kwargs, type LayerArgs, type LayerWeight } from './base-layer.js';

/**
 * Options of {@link PositionEmbedding}.
 *
 * @example
 * ```ts
 * import { normal, type PositionEmbeddingArgs } from 'tiedformer';
 * const args: PositionEmbeddingArgs = { maxPositions: 1024, embeddingsInitializer: normal({ std: 0.01 }) };
 * ```
 */
export interface PositionEmbeddingArgs extends LayerArgs {
  /** Number of rows of the table: the longest sequence the layer accepts. */
  maxPositions: number;
  /** Initializer of the table `P [maxPositions, d]`. Default `normal({ std: 0.02 })`. */
  embeddingsInitializer?: InitializerSpec;
}

/**
 * Learned absolute position embedding (GPT-2's `wpe`), added to its input:
 *
 * `y[b, t, :] = x[b, t, :] + P[t, :]` for positions `t = 0 … seq−1`.
 *
 * Input `[batch, seq, d]` with `seq ≤ maxPositions`, output the same shape. Weights:
 * `embeddings [maxPositions, d]`. Place it after the {@link TokenEmbedding}.
 *
 * @see Radford et al. 2019, "Language Models are Unsupervised Multitask Learners" (GPT-2).
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { PositionEmbedding } from 'tiedformer';
 * const positions = new PositionEmbedding({ maxPositions: 16 });
 * const y = positions.apply(tf.zeros([2, 5, 8])) as tf.Tensor; // [2, 5, 8]: rows 0..4 of P
 * ```
 */
export class PositionEmbedding extends BaseLayer {
  /** Registered class name. */
  static readonly className = 'PositionEmbedding';
  /** Number of rows of the table. */
  readonly maxPositions: number;
  private readonly embeddingsInitializer: ReturnType<typeof resolveInitializer>;
  private table?: LayerWeight;

  /**
   * @param args - Table size and initializer (see {@link PositionEmbeddingArgs}).
   * @throws RangeError on a non-integer `maxPositions` or an unknown initializer.
   */
  constructor(args: PositionEmbeddingArgs) {
    super(
      knownOptions('PositionEmbedding', args, ['maxPositions', 'embeddingsInitializer'], {
        layer: true,
      }),
    );
    this.maxPositions = positiveInteger('PositionEmbedding', 'maxPositions', args?.maxPositions);
    this.embeddingsInitializer = resolveInitializer(
      'PositionEmbedding',
      'embeddingsInitializer',
      args.embeddingsInitializer ?? normal({ std: 0.02 }),
    );
  }

  /** The table `P [maxPositions, d]` (available once built). */
  get embeddings(): LayerWeight {
    if (!this.table) this.fail('the layer is not built yet: apply it to a [batch, seq, d] input');
    return this.table;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const d = shape[shape.length - 1];
    if (shape.length !== 3 || d == null)
      this.fail(`input must be [batch, seq, d] with a known d, got shape [${shape}]`);
    this.checkLength(shape[1]);
    this.table = this.addParam('embeddings', [this.maxPositions, d], this.embeddingsInitializer);
    this.built = true;
  }

  private checkLength(seq: number | null | undefined): void {
    if (seq != null && seq > this.maxPositions)
      this.fail(`sequence length ${seq} exceeds maxPositions (${this.maxPositions})`);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      const d = this.embeddings.shape[1] as number;
      if (x.rank !== 3 || x.shape[2] !== d)
        this.fail(`input must be [batch, seq, ${d}], got shape [${x.shape}]`);
      const seq = x.shape[1] as number;
      this.checkLength(seq);
      return tf.add(x, tf.slice(this.embeddings.read(), [0, 0], [seq, d])); // [B, S, d]
    });
  }

  /**
   * `x + P[positions]` for one cached decoding step, where each row's positions are given
   * (the decoder's `CacheStep.positions`: row-major `[batch, seq]`, left padding already
   * subtracted). `call` uses positions `0 … seq−1`; a KV-cached step of one token at
   * position 37 needs row 37 instead.
   *
   * @param x - Hidden states `[batch, seq, d]`.
   * @param positions - `batch·seq` positions, each in `[0, maxPositions)`.
   * @returns `[batch, seq, d]`.
   * @example
   * ```ts
   * import * as tf from '@tensorflow/tfjs';
   * import { PositionEmbedding } from 'tiedformer';
   * const layer = new PositionEmbedding({ maxPositions: 16 });
   * layer.apply(tf.zeros([1, 4, 8])); // builds P [16, 8]
   * const step = layer.callAtPositions(tf.zeros([2, 1, 8]), new Int32Array([4, 9])); // rows 4 and 9
   * ```
   */
  callAtPositions(x: tf.Tensor, positions: Int32Array): tf.Tensor {
    const d = this.embeddings.shape[1] as number;
    if (x.rank !== 3 || x.shape[2] !== d)
      this.fail(`input must be [batch, seq, ${d}], got shape [${x.shape}]`);
    const [batch, seq] = x.shape as [number, number, number];
    if (positions.length !== batch * seq)
      this.fail(
        `expected ${batch * seq} positions for a [${x.shape}] input, got ${positions.length}`,
      );
    for (const p of positions) {
      if (!Number.isInteger(p) || p < 0 || p >= this.maxPositions)
        this.fail(`position ${p} is outside [0, maxPositions = ${this.maxPositions})`);
    }
    return tf.tidy(() => {
      const rows = tf.gather(this.embeddings.read(), tf.tensor1d(positions, 'int32')); // [B·S, d]
      return tf.add(x, tf.reshape(rows, [batch, seq, d])); // [B, S, d]
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      maxPositions: this.maxPositions,
      embeddingsInitializer: serializeInitializer(this.embeddingsInitializer),
    };
  }
}
tf.serialization.registerClass(PositionEmbedding);
