import * as tf from '@tensorflow/tfjs';
import {
  nonNegativeInteger,
  oneOf,
  positiveInteger,
  positiveNumber,
} from '../analysis/validation.js';
import type { Initializer } from '../init/initializer-base.js';
import { normal } from '../init/normal.js';
import { scaledResidual } from '../init/scaled-residual.js';
import { BaseLayer, type Kwargs, type LayerArgs } from './base-layer.js';
import type { CacheStep } from './decoding-step.js';
import { FFN, type FFNActivation, ffnActivation } from './ffn.js';
import type { KeyValueCache } from './key-value-cache.js';
import { LayerNorm } from './layer-norm.js';
import { MultiHeadAttention } from './multi-head-attention.js';
import { RMSNorm } from './rms-norm.js';
import { checkTransformerBlockArgs } from './transformer-block-args.js';

/**
 * How the output projections of the residual branches (attention `output_kernel`, FFN
 * `down_kernel`) start: `'normal'` with `initStd`, `'scaled'` with `initStd/√(2·numLayers)`
 * (GPT-2), or `'zero'` (the block starts as the identity: the 2-gram regime of the head-level
 * {@link analysis!estimateInitialLoss}; {@link analysis!estimateCausalLMInitialLoss} handles all three).
 *
 * @example
 * ```ts
 * import type { ResidualInit } from 'tiedformer';
 * const init: ResidualInit = 'scaled';
 * ```
 */
export type ResidualInit = 'normal' | 'scaled' | 'zero';

/**
 * Options of {@link TransformerBlock}.
 *
 * @example
 * ```ts
 * import type { TransformerBlockArgs } from 'tiedformer';
 * const args: TransformerBlockArgs = {
 *   numHeads: 4, intermediateSize: 1024, residualInit: 'scaled', numLayers: 4,
 * };
 * ```
 */
export interface TransformerBlockArgs extends LayerArgs {
  /** Number of query heads. */
  numHeads: number;
  /** Number of key/value heads (grouped-query attention). Default `numHeads`. */
  numKeyValueHeads?: number;
  /** Width of one head. Default `hiddenSize / numHeads`. */
  headDim?: number;
  /** Inner width of the FFN. */
  intermediateSize: number;
  /** FFN activation. Default `'gelu'`. */
  activation?: FFNActivation;
  /** Causal self-attention. Default `true`. */
  causal?: boolean;
  /** Biases on every projection. Default `false`. */
  useBias?: boolean;
  /** Biases on the q, k, v projections. Default `useBias`. */
  qkvBias?: boolean;
  /** Bias on the attention output projection. Default `useBias`. */
  outputBias?: boolean;
  /** Biases on the FFN matrices. Default `useBias`. */
  mlpBias?: boolean;
  /** Norm of both branches: `'rmsnorm'` or `'layernorm'` (with bias, GPT-2). Default `'rmsnorm'`. */
  norm?: 'rmsnorm' | 'layernorm';
  /** Norm epsilon. Default `1e-6`. */
  epsilon?: number;
  /** RMSNorm as `x̂·(1 + γ)` (Gemma; `'rmsnorm'` only). Default `false`. */
  normUnitOffset?: boolean;
  /** Dropout rate on attention probabilities and on both branch outputs, in [0, 1). Default `0`. */
  dropout?: number;
  /** Rotary position embedding in attention. Default `true` (a decoder needs positions; pass `false` only with another position signal). */
  rotary?: boolean;
  /** Base θ of the rotary frequencies. Default `10000`. */
  rotaryBase?: number;
  /** Std of the normal init of every projection. Default `0.02`. */
  initStd?: number;
  /** Init of the residual branches' output projections. Default `'normal'`. */
  residualInit?: ResidualInit;
  /** Total number of blocks in the model `L`, for `residualInit: 'scaled'`. Default `1`. */
  numLayers?: number;
  /** Seed of the weight init (each matrix gets its own derived seed). Unseeded if omitted. */
  seed?: number;
}

/**
 * Pre-norm transformer block:
 *
 * `x = x + Attention(Norm(x))`, then `x = x + FFN(Norm(x))`, with RMSNorm (default) or
 * LayerNorm as `Norm`.
 *
 * Input `x [batch, seq, d]` or `[x, paddingMask]`; output `[batch, seq, d]`. Its children
 * (`attention_norm`, `attention`, `mlp_norm`, `mlp`) are built with it, and their weights are
 * listed, saved and trained as this layer's (names like `block/attention/query_kernel`).
 *
 * With `residualInit: 'zero'` both branches start at exactly zero, so the block is the
 * identity at init: the 2-gram regime of the head-level {@link analysis!estimateInitialLoss} (docs/theory.md §1).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { TransformerBlock } from 'tiedformer';
 * const block = new TransformerBlock({
 *   numHeads: 4, intermediateSize: 128, residualInit: 'scaled', numLayers: 2,
 * });
 * const y = block.apply(tf.randomNormal([2, 8, 32])) as tf.Tensor; // [2, 8, 32]
 * ```
 */
export class TransformerBlock extends BaseLayer {
  /** Registered class name. */
  static readonly className = 'TransformerBlock';
  private readonly args: Required<
    Omit<TransformerBlockArgs, keyof LayerArgs | 'numKeyValueHeads' | 'headDim' | 'seed'>
  > &
    Pick<TransformerBlockArgs, 'numKeyValueHeads' | 'headDim' | 'seed'>;
  /** Norm before attention. */
  readonly attentionNorm: RMSNorm | LayerNorm;
  /** Self-attention. */
  readonly attention: MultiHeadAttention;
  /** Norm before the FFN. */
  readonly mlpNorm: RMSNorm | LayerNorm;
  /** Feed-forward block. */
  readonly mlp: FFN;

  /**
   * @param args - See {@link TransformerBlockArgs}.
   * @throws RangeError on any invalid argument, naming it.
   */
  constructor(args: TransformerBlockArgs) {
    super(checkTransformerBlockArgs(args));
    const owner = 'TransformerBlock';
    const dropout = args?.dropout ?? 0;
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1))
      this.fail(`dropout must be in [0, 1), got ${dropout}`);
    this.args = {
      numHeads: positiveInteger(owner, 'numHeads', args?.numHeads),
      intermediateSize: positiveInteger(owner, 'intermediateSize', args.intermediateSize),
      activation: ffnActivation('FFN', args.activation ?? 'gelu'), // reported as the child's error
      causal: args.causal ?? true,
      useBias: args.useBias ?? false,
      qkvBias: args.qkvBias ?? args.useBias ?? false,
      outputBias: args.outputBias ?? args.useBias ?? false,
      mlpBias: args.mlpBias ?? args.useBias ?? false,
      norm: oneOf(owner, 'norm', args.norm ?? 'rmsnorm', ['rmsnorm', 'layernorm'] as const),
      epsilon: args.epsilon ?? 1e-6,
      normUnitOffset: args.normUnitOffset ?? false,
      dropout,
      rotary: args.rotary ?? true,
      rotaryBase: args.rotaryBase ?? 10000,
      initStd: positiveNumber(owner, 'initStd', args.initStd ?? 0.02),
      residualInit: oneOf(owner, 'residualInit', args.residualInit ?? 'normal', [
        'normal',
        'scaled',
        'zero',
      ] as const),
      numLayers: positiveInteger(owner, 'numLayers', args.numLayers ?? 1),
      ...(args.numKeyValueHeads === undefined ? {} : { numKeyValueHeads: args.numKeyValueHeads }),
      ...(args.headDim === undefined ? {} : { headDim: args.headDim }),
      ...(args.seed === undefined ? {} : { seed: nonNegativeInteger(owner, 'seed', args.seed) }),
    };
    const a = this.args;
    const seed = a.seed === undefined ? {} : { seed: a.seed };
    const kernel = normal({ std: a.initStd, ...seed });
    const output: Initializer =
      a.residualInit === 'zero'
        ? tf.initializers.zeros()
        : a.residualInit === 'scaled'
          ? scaledResidual({ std: a.initStd, numLayers: a.numLayers, ...seed })
          : kernel;
    if (a.normUnitOffset === true && a.norm !== 'rmsnorm')
      this.fail(`normUnitOffset applies to norm 'rmsnorm' only, got norm '${a.norm}'`);
    // Children validate their own arguments and report errors under their own class names.
    const makeNorm = () =>
      a.norm === 'layernorm'
        ? new LayerNorm({ epsilon: a.epsilon })
        : new RMSNorm({ epsilon: a.epsilon, unitOffset: a.normUnitOffset });
    this.attentionNorm = this.adopt(makeNorm(), 'attention_norm');
    this.attention = this.adopt(
      new MultiHeadAttention({
        numHeads: a.numHeads,
        ...(a.numKeyValueHeads === undefined ? {} : { numKeyValueHeads: a.numKeyValueHeads }),
        ...(a.headDim === undefined ? {} : { headDim: a.headDim }),
        causal: a.causal,
        useBias: a.useBias,
        qkvBias: a.qkvBias,
        outputBias: a.outputBias,
        dropout: a.dropout,
        rotary: a.rotary,
        rotaryBase: a.rotaryBase,
        kernelInitializer: kernel,
        outputInitializer: output,
      }),
      'attention',
    );
    this.mlpNorm = this.adopt(makeNorm(), 'mlp_norm');
    this.mlp = this.adopt(
      new FFN({
        intermediateSize: a.intermediateSize,
        activation: a.activation,
        useBias: a.mlpBias,
        kernelInitializer: kernel,
        outputInitializer: output,
      }),
      'mlp',
    );
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    this.buildChild(this.attentionNorm, shape);
    this.buildChild(this.attention, shape);
    this.buildChild(this.mlpNorm, shape);
    this.buildChild(this.mlp, shape);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const [x, paddingMask] = (Array.isArray(inputs) ? inputs : [inputs]) as [
        tf.Tensor,
        tf.Tensor | undefined,
      ];
      const attend = (normed: tf.Tensor) =>
        this.attention.call(paddingMask ? [normed, paddingMask] : normed, kwargs) as tf.Tensor;
      return this.residual(x, attend, kwargs);
    });
  }

  /**
   * One decoding step with a key/value cache: the same block as {@link call}, its attention
   * run by {@link MultiHeadAttention.callCached} on the new tokens only.
   *
   * @param x - Hidden states of the new tokens, `[batch, seq, d]`.
   * @param cache - The cache of this block's attention.
   * @param step - Positions and mask of the new tokens (see {@link decodingStep}).
   * @returns `[batch, seq, d]`.
   * @throws RangeError if the block is not causal or the shapes do not match the cache.
   * @example
   * ```ts
   * import * as tf from '@tensorflow/tfjs';
   * import { decodingStep, KeyValueCache, TransformerBlock } from 'tiedformer';
   * const block = new TransformerBlock({ numHeads: 2, intermediateSize: 16, rotary: true });
   * block.build([1, 2, 8]);
   * const cache = new KeyValueCache({ capacity: 3 });
   * const step = decodingStep({ start: 0, seq: 2, capacity: 3, leftPadding: [0] });
   * block.callCached(tf.randomNormal([1, 2, 8]), cache, step); // [1, 2, 8]
   * cache.dispose();
   * ```
   */
  callCached(x: tf.Tensor, cache: KeyValueCache, step: CacheStep): tf.Tensor {
    return tf.tidy(() =>
      this.residual(x, (normed) => this.attention.callCached(normed, cache, step), {}),
    );
  }

  /** `x + Attention(norm(x))`, then `+ FFN(norm(·))`, with `attend` running the attention. */
  private residual(x: tf.Tensor, attend: (normed: tf.Tensor) => tf.Tensor, kwargs: Kwargs) {
    const training = kwargs?.training === true && this.args.dropout > 0;
    const branch = (y: tf.Tensor) => (training ? tf.dropout(y, this.args.dropout) : y);
    const normed = this.attentionNorm.call(x, kwargs) as tf.Tensor;
    const h = tf.add(x, branch(attend(normed))); // [B, S, d]
    const mlpOut = this.mlp.call(this.mlpNorm.call(h, kwargs) as tf.Tensor, kwargs) as tf.Tensor;
    return tf.add(h, branch(mlpOut));
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.args };
  }
}
tf.serialization.registerClass(TransformerBlock);
