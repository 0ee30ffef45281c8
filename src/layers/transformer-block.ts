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
import { FFN, type FFNActivation } from './ffn.js';
import { MultiHeadAttention } from './multi-head-attention.js';
import { RMSNorm } from './rms-norm.js';

/**
 * How the output projections of the residual branches (attention `output_kernel`, FFN
 * `down_kernel`) start: `'normal'` with `initStd`, `'scaled'` with `initStd/√(2·numLayers)`
 * (GPT-2), or `'zero'` (the block starts as the identity: the 2-gram regime of the head-level
 * {@link estimateInitialLoss}; {@link estimateCausalLMInitialLoss} handles all three).
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
  /** RMSNorm epsilon. Default `1e-6`. */
  epsilon?: number;
  /** Dropout rate on attention probabilities and on both branch outputs, in [0, 1). Default `0`. */
  dropout?: number;
  /** Rotary position embedding in attention. Default `false`. */
  rotary?: boolean;
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
 * `x = x + Attention(RMSNorm(x))`, then `x = x + FFN(RMSNorm(x))`.
 *
 * Input `x [batch, seq, d]` or `[x, paddingMask]`; output `[batch, seq, d]`. Its children
 * (`attention_norm`, `attention`, `mlp_norm`, `mlp`) are built with it, and their weights are
 * listed, saved and trained as this layer's (names like `block/attention/query_kernel`).
 *
 * With `residualInit: 'zero'` both branches start at exactly zero, so the block is the
 * identity at init: the 2-gram regime of the head-level {@link estimateInitialLoss} (docs/theory.md §1).
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
  readonly attentionNorm: RMSNorm;
  /** Self-attention. */
  readonly attention: MultiHeadAttention;
  /** Norm before the FFN. */
  readonly mlpNorm: RMSNorm;
  /** Feed-forward block. */
  readonly mlp: FFN;

  /**
   * @param args - See {@link TransformerBlockArgs}.
   * @throws RangeError on any invalid argument, naming it.
   */
  constructor(args: TransformerBlockArgs) {
    super(args);
    const owner = 'TransformerBlock';
    const dropout = args?.dropout ?? 0;
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1))
      this.fail(`dropout must be in [0, 1), got ${dropout}`);
    this.args = {
      numHeads: positiveInteger(owner, 'numHeads', args?.numHeads),
      intermediateSize: positiveInteger(owner, 'intermediateSize', args.intermediateSize),
      activation: args.activation ?? 'gelu',
      causal: args.causal ?? true,
      useBias: args.useBias ?? false,
      epsilon: args.epsilon ?? 1e-6,
      dropout,
      rotary: args.rotary ?? false,
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
    // Children validate their own arguments and report errors under their own class names.
    this.attentionNorm = this.adopt(new RMSNorm({ epsilon: a.epsilon }), 'attention_norm');
    this.attention = this.adopt(
      new MultiHeadAttention({
        numHeads: a.numHeads,
        ...(a.numKeyValueHeads === undefined ? {} : { numKeyValueHeads: a.numKeyValueHeads }),
        ...(a.headDim === undefined ? {} : { headDim: a.headDim }),
        causal: a.causal,
        useBias: a.useBias,
        dropout: a.dropout,
        rotary: a.rotary,
        kernelInitializer: kernel,
        outputInitializer: output,
      }),
      'attention',
    );
    this.mlpNorm = this.adopt(new RMSNorm({ epsilon: a.epsilon }), 'mlp_norm');
    this.mlp = this.adopt(
      new FFN({
        intermediateSize: a.intermediateSize,
        activation: a.activation,
        useBias: a.useBias,
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
      const training = kwargs?.training === true && this.args.dropout > 0;
      const branch = (y: tf.Tensor) => (training ? tf.dropout(y, this.args.dropout) : y);
      const normed = this.attentionNorm.call(x, kwargs) as tf.Tensor;
      const attended = this.attention.call(
        paddingMask ? [normed, paddingMask] : normed,
        kwargs,
      ) as tf.Tensor;
      const h = tf.add(x, branch(attended)); // [B, S, d]
      const mlpOut = this.mlp.call(this.mlpNorm.call(h, kwargs) as tf.Tensor, kwargs) as tf.Tensor;
      return tf.add(h, branch(mlpOut));
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.args };
  }
}
tf.serialization.registerClass(TransformerBlock);
