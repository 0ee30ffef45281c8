import * as tf from '@tensorflow/tfjs';
import { knownOptions } from '../analysis/known-options.js';
import { positiveInteger, positiveNumber } from '../analysis/validation.js';
import { embeddingLookup } from '../backend/embedding-lookup.js';
import { idRangeGuard } from '../backend/id-range-guard.js';
import { dense } from '../backend/mat-mul.js';
import { normal } from '../init/normal.js';
import {
  type InitializerSpec,
  resolveInitializer,
  serializeInitializer,
} from '../init/resolve-initializer.js';
import { BaseLayer, type Kwargs, type LayerArgs, type LayerWeight } from './base-layer.js';
import { checkEmbeddingInput } from './check-embedding-input.js';

/**
 * Options of {@link TokenEmbedding}.
 *
 * @example
 * ```ts
 * import { tiedNormal, type TokenEmbeddingArgs } from 'tiedformer';
 * const args: TokenEmbeddingArgs = {
 *   vocabSize: 8192, hiddenSize: 256,
 *   embeddingsInitializer: tiedNormal({ vocabSize: 8192, hiddenSize: 256 }),
 * };
 * ```
 */
export interface TokenEmbeddingArgs extends LayerArgs {
  /** Vocabulary size `n`: ids must lie in `[0, n)`. */
  vocabSize: number;
  /** Hidden size `d`: the width of each row of `E`. */
  hiddenSize: number;
  /** Initializer of `E [n, d]`. Default `normal({ std: 0.02 })` (GPT-2, BERT). */
  embeddingsInitializer?: InitializerSpec;
  /** Multiplier of the looked-up rows: a number, or `'sqrt'` for `√d` (Gemma). Not applied to logits. Default `1`. */
  scale?: number | 'sqrt';
}

/**
 * Token embedding that owns the only copy of `E [vocabSize, hiddenSize]` and also serves as
 * the tied output projection, like Keras' `ReversibleEmbedding`: the same layer is called
 * twice, and what it does follows the dtype of its input.
 *
 * - **int32 ids** `[...]` → rows of `E` `[..., d]` (times `scale`). Ids outside
 *   `[0, vocabSize)` raise a RangeError on the cpu and wasm backends (checked by their
 *   gather kernel, without a read back to JavaScript) and turn the rows they touch into NaN
 *   on the others (webgl, webgpu, tensorflow), which cannot throw without stalling. The
 *   gradient is O(tokens × d) and runs on cpu and wasm (see {@link embeddingLookup}).
 * - **float32 hidden states** `[..., d]` → tied logits `h·Eᵀ` `[..., n]`.
 *
 * Calling one layer twice makes a functional model store `E` once, list it once in
 * `model.trainableWeights`, sum the gradients of both uses, and restore the tie on load.
 * Create the ids input as `tf.input({ shape: [seqLen], dtype: 'int32' })`.
 *
 * @see Press & Wolf 2017, "Using the Output Embedding to Improve Language Models".
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { RMSNorm, TokenEmbedding } from 'tiedformer';
 * const embedding = new TokenEmbedding({ vocabSize: 1000, hiddenSize: 64 });
 * const ids = tf.input({ shape: [16], dtype: 'int32' });
 * const hidden = embedding.apply(ids) as tf.SymbolicTensor; // [batch, 16, 64]
 * const normed = new RMSNorm({}).apply(hidden) as tf.SymbolicTensor;
 * const logits = embedding.apply(normed) as tf.SymbolicTensor; // [batch, 16, 1000], tied
 * const model = tf.model({ inputs: ids, outputs: logits });
 * model.trainableWeights.length; // 2: E once, and the norm's gain
 * ```
 */
export class TokenEmbedding extends BaseLayer {
  /** Registered class name. */
  static readonly className = 'TokenEmbedding';
  /** Vocabulary size `n`. */
  readonly vocabSize: number;
  /** Hidden size `d`. */
  readonly hiddenSize: number;
  /** Multiplier of looked-up rows as given (`'sqrt'` or a number). */
  readonly scale: number | 'sqrt';
  private readonly embeddingsInitializer: ReturnType<typeof resolveInitializer>;
  private table?: LayerWeight;
  /** Output rule of the call being traced: set by `apply` from the input dtype, read by `computeOutputShape`. */
  private tracingLogits = false;

  /**
   * @param args - Vocabulary size, hidden size, initializer and input scale.
   * @throws RangeError on a non-integer size, a non-positive scale or an unknown initializer.
   */
  constructor(args: TokenEmbeddingArgs) {
    super(
      knownOptions(
        'TokenEmbedding',
        args,
        ['vocabSize', 'hiddenSize', 'embeddingsInitializer', 'scale'],
        { layer: true },
      ),
    );
    this.vocabSize = positiveInteger('TokenEmbedding', 'vocabSize', args?.vocabSize);
    this.hiddenSize = positiveInteger('TokenEmbedding', 'hiddenSize', args.hiddenSize);
    this.scale =
      args.scale === 'sqrt' ? 'sqrt' : positiveNumber('TokenEmbedding', 'scale', args.scale ?? 1);
    this.embeddingsInitializer = resolveInitializer(
      'TokenEmbedding',
      'embeddingsInitializer',
      args.embeddingsInitializer ?? normal({ std: 0.02 }),
    );
  }

  /** The embedding matrix `E [vocabSize, hiddenSize]` (available once built). */
  get embeddings(): LayerWeight {
    if (!this.table) this.fail('the layer is not built yet: apply it to token ids first');
    return this.table;
  }

  /** The numeric input scale (`√d` for `'sqrt'`). */
  get inputScale(): number {
    return this.scale === 'sqrt' ? Math.sqrt(this.hiddenSize) : this.scale;
  }

  override build(_inputShape: tf.Shape | tf.Shape[]): void {
    this.table = this.addParam(
      'embeddings',
      [this.vocabSize, this.hiddenSize],
      this.embeddingsInitializer,
    );
    this.built = true;
  }

  override apply(
    inputs: tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[],
    kwargs?: Kwargs,
  ): tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[] {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (x === undefined) this.fail('expected one input tensor, got none');
    checkEmbeddingInput(this.getClassName(), x, this.hiddenSize);
    this.tracingLogits = this.checkInput(x.dtype, x.shape);
    return super.apply(inputs, kwargs);
  }

  /** Validates dtype and shape; returns whether the input is hidden states (logits mode). */
  private checkInput(dtype: tf.DataType, shape: readonly (number | null)[]): boolean {
    if (dtype === 'int32') return false;
    if (dtype !== 'float32') {
      this.fail(`input must be int32 token ids or float32 hidden states, got dtype ${dtype}`);
    }
    const last = shape[shape.length - 1];
    if (shape.length < 1 || last !== this.hiddenSize) {
      this.fail(
        `a float32 input is read as hidden states for the tied output projection and needs last dimension hiddenSize (${this.hiddenSize}), got shape [${shape.map(String)}]; token ids must be int32 (tf.input({ shape, dtype: 'int32' }), tf.tensor(ids, shape, 'int32'))`,
      );
    }
    return true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    if (this.checkInput(x.dtype, x.shape)) {
      return tf.tidy(() => dense(x, this.embeddings.read(), true)); // [..., n]
    }
    // No read back to JavaScript (it would stall webgl/webgpu every step): cpu and wasm
    // check the range in their gather kernel; elsewhere a bad id turns its rows into NaN.
    return tf.tidy(() => {
      const poison = idRangeGuard('TokenEmbedding', 'token id', x, this.vocabSize); // [...]
      const looked = embeddingLookup(this.embeddings.read(), x); // [..., d]
      const rows = poison ? tf.add(looked, tf.expandDims(poison, -1)) : looked;
      return this.inputScale === 1 ? rows : tf.mul(rows, this.inputScale);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return this.tracingLogits
      ? [...shape.slice(0, -1), this.vocabSize]
      : [...shape, this.hiddenSize];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      vocabSize: this.vocabSize,
      hiddenSize: this.hiddenSize,
      embeddingsInitializer: serializeInitializer(this.embeddingsInitializer),
      scale: this.scale,
    };
  }
}
tf.serialization.registerClass(TokenEmbedding);
