import * as tf from '@tensorflow/tfjs';
import { knownOptions } from '../analysis/known-options.js';
import { boolean, positiveInteger, positiveNumber } from '../analysis/validation.js';
import { causalMask, checkAttentionSize } from '../backend/causal-mask.js';
import { maskGuard } from '../backend/mask-guard.js';
import { dense, matMul } from '../backend/mat-mul.js';
import { ProjectionInitializers } from '../init/projection-initializers.js';
import type { InitializerSpec } from '../init/resolve-initializer.js';
import { BaseLayer, type Kwargs, type LayerArgs, type LayerWeight } from './base-layer.js';
import type { CacheStep } from './decoding-step.js';
import type { KeyValueCache } from './key-value-cache.js';

/**
 * Options of {@link MultiHeadAttention}.
 *
 * @example
 * ```ts
 * import type { MultiHeadAttentionArgs } from 'tiedformer';
 * const args: MultiHeadAttentionArgs = { numHeads: 8, numKeyValueHeads: 2, causal: true, rotary: true };
 * ```
 */
export interface MultiHeadAttentionArgs extends LayerArgs {
  /** Number of query heads `H`. */
  numHeads: number;
  /** Number of key/value heads `K` (grouped-query attention); must divide `numHeads`. Default `numHeads`. */
  numKeyValueHeads?: number;
  /** Width of one head. Default `hiddenSize / numHeads` (which must then be an integer). */
  headDim?: number;
  /** Mask future positions (decoder). Default `true`: pass `false` for an encoder or cross-attention. */
  causal?: boolean;
  /** Biases on the q, k, v and output projections. Default `false`. */
  useBias?: boolean;
  /** Biases on the q, k, v projections (Qwen2). Default `useBias`. */
  qkvBias?: boolean;
  /** Bias on the output projection. Default `useBias`. */
  outputBias?: boolean;
  /** Dropout rate on the attention probabilities during training, in [0, 1). Default `0`. */
  dropout?: number;
  /** Multiplier of the attention logits. Default `1/√headDim`. */
  scale?: number;
  /** Rotary position embedding on queries and keys (rotate-half form, as Llama). Default `false`. */
  rotary?: boolean;
  /** Base of the rotary frequencies. Default `10000`. */
  rotaryBase?: number;
  /** Initializer of the q, k, v projections. Default `normal({ std: 0.02 })`. */
  kernelInitializer?: InitializerSpec;
  /** Initializer of the output projection (a residual branch's end). Default: `kernelInitializer`. */
  outputInitializer?: InitializerSpec;
}

/** Logit added at masked positions: finite, so a fully masked row stays NaN-free. */
const MASKED = -1e9;

/**
 * Multi-head self-attention with grouped-query heads, an optional causal mask, an optional
 * padding mask and optional rotary position embedding:
 *
 * `softmax(scale · q·kᵀ + mask)·v`, per head, then the output projection.
 *
 * Input `x [batch, seq, d]`, or `[x, paddingMask]` with `paddingMask [batch, seq]` (1 keep,
 * 0 padding; any numeric or bool dtype). Output `[batch, seq, d]`. A query that may attend to
 * no key (all masked) outputs zeros, not NaN. With `numKeyValueHeads = K < H`, query head `h`
 * uses key/value head `⌊h·K/H⌋`. Weights: `query_kernel [d, H·hd]`, `key_kernel [d, K·hd]`,
 * `value_kernel [d, K·hd]`, `output_kernel [H·hd, d]` (+ biases if `qkvBias`, `outputBias`).
 *
 * @see Vaswani et al. 2017; Ainslie et al. 2023 (GQA); Su et al. 2021 (RoPE).
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { MultiHeadAttention } from 'tiedformer';
 * const attention = new MultiHeadAttention({ numHeads: 4, numKeyValueHeads: 2, causal: true });
 * const x = tf.randomNormal([2, 6, 32]);
 * const mask = tf.tensor2d([[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1]]);
 * const y = attention.apply([x, mask]) as tf.Tensor; // [2, 6, 32]
 * ```
 */
export class MultiHeadAttention extends BaseLayer {
  /** Registered class name. */
  static readonly className = 'MultiHeadAttention';
  /** Number of query heads `H`. */
  readonly numHeads: number;
  /** Number of key/value heads `K`. */
  readonly numKeyValueHeads: number;
  /** Width of one head as given (resolved at build when omitted). */
  private readonly headDimArg: number | undefined;
  /** Whether future positions are masked. */
  readonly causal: boolean;
  /** Whether the projections have biases (the default of `qkvBias` and `outputBias`). */
  readonly useBias: boolean;
  /** Whether the q, k, v projections have biases. */
  readonly qkvBias: boolean;
  /** Whether the output projection has a bias. */
  readonly outputBias: boolean;
  /** Dropout rate on the attention probabilities. */
  readonly dropout: number;
  /** Logit multiplier as given (default resolved at build). */
  private readonly scaleArg: number | undefined;
  /** Whether rotary position embedding is applied. */
  readonly rotary: boolean;
  /** Base of the rotary frequencies. */
  readonly rotaryBase: number;
  private readonly initializers: ProjectionInitializers;
  private weightsByName: Record<string, LayerWeight> = {};
  private resolvedHeadDim = 0;
  private hiddenSize = 0;

  /**
   * @param args - Heads, masking, rotary and initializers (see {@link MultiHeadAttentionArgs}).
   * @throws RangeError on non-integer head counts, `numHeads` not divisible by
   *   `numKeyValueHeads`, a dropout outside [0, 1), or a non-positive scale or rotary base.
   */
  constructor(args: MultiHeadAttentionArgs) {
    super(
      knownOptions(
        'MultiHeadAttention',
        args,
        [
          'numHeads',
          'numKeyValueHeads',
          'headDim',
          'causal',
          'useBias',
          'qkvBias',
          'outputBias',
          'dropout',
          'scale',
          'rotary',
          'rotaryBase',
          'kernelInitializer',
          'outputInitializer',
        ],
        { layer: true },
      ),
    );
    const owner = 'MultiHeadAttention';
    this.numHeads = positiveInteger(owner, 'numHeads', args?.numHeads);
    this.numKeyValueHeads = positiveInteger(
      owner,
      'numKeyValueHeads',
      args.numKeyValueHeads ?? this.numHeads,
    );
    if (this.numHeads % this.numKeyValueHeads !== 0) {
      this.fail(
        `numHeads (${this.numHeads}) must be divisible by numKeyValueHeads (${this.numKeyValueHeads})`,
      );
    }
    this.headDimArg =
      args.headDim === undefined ? undefined : positiveInteger(owner, 'headDim', args.headDim);
    this.causal = boolean(owner, 'causal', args.causal ?? true);
    this.useBias = boolean(owner, 'useBias', args.useBias ?? false);
    this.qkvBias = boolean(owner, 'qkvBias', args.qkvBias ?? this.useBias);
    this.outputBias = boolean(owner, 'outputBias', args.outputBias ?? this.useBias);
    const dropout = args.dropout ?? 0;
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
      this.fail(`dropout must be in [0, 1), got ${dropout}`);
    }
    this.dropout = dropout;
    this.scaleArg =
      args.scale === undefined ? undefined : positiveNumber(owner, 'scale', args.scale);
    this.rotary = boolean(owner, 'rotary', args.rotary ?? false);
    this.rotaryBase = positiveNumber(owner, 'rotaryBase', args.rotaryBase ?? 10000);
    this.initializers = new ProjectionInitializers(owner, args);
  }

  /** Width of one head (known once built, or when given). */
  get headDim(): number {
    return this.headDimArg ?? this.resolvedHeadDim;
  }

  /** Multiplier of the attention logits (`1/√headDim` unless given). */
  get scale(): number {
    return this.scaleArg ?? 1 / Math.sqrt(this.headDim);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const d = shape[shape.length - 1];
    if (shape.length !== 3 || d == null) {
      this.fail(`input must be [batch, seq, hiddenSize] with a known hiddenSize, got [${shape}]`);
    }
    if (this.headDimArg === undefined && d % this.numHeads !== 0) {
      this.fail(
        `hiddenSize (${d}) must be divisible by numHeads (${this.numHeads}), or give headDim`,
      );
    }
    this.hiddenSize = d;
    this.resolvedHeadDim = this.headDimArg ?? d / this.numHeads;
    if (this.rotary && this.headDim % 2 !== 0)
      this.fail(`rotary needs an even headDim, got ${this.headDim}`);
    const queryWidth = this.numHeads * this.headDim;
    const keyValueWidth = this.numKeyValueHeads * this.headDim;
    const w = this.weightsByName;
    w.query_kernel = this.addParam('query_kernel', [d, queryWidth], this.initializers.kernel);
    w.key_kernel = this.addParam('key_kernel', [d, keyValueWidth], this.initializers.kernel);
    w.value_kernel = this.addParam('value_kernel', [d, keyValueWidth], this.initializers.kernel);
    w.output_kernel = this.addParam('output_kernel', [queryWidth, d], this.initializers.output);
    const zeros = tf.initializers.zeros();
    if (this.qkvBias) {
      w.query_bias = this.addParam('query_bias', [queryWidth], zeros);
      w.key_bias = this.addParam('key_bias', [keyValueWidth], zeros);
      w.value_bias = this.addParam('value_bias', [keyValueWidth], zeros);
    }
    if (this.outputBias) w.output_bias = this.addParam('output_bias', [d], zeros);
    this.built = true;
  }

  private project(x: tf.Tensor, name: 'query' | 'key' | 'value' | 'output'): tf.Tensor {
    const y = dense(x, (this.weightsByName[`${name}_kernel`] as LayerWeight).read());
    const bias = this.weightsByName[`${name}_bias`];
    return bias ? tf.add(y, bias.read()) : y;
  }

  /** `[batch, seq, heads·hd]` → `[batch, heads, seq, hd]`. */
  private splitHeads(x: tf.Tensor, heads: number): tf.Tensor {
    const [batch, seq] = x.shape as [number, number, number];
    return tf.transpose(tf.reshape(x, [batch, seq, heads, this.headDim]), [0, 2, 1, 3]);
  }

  /**
   * Rotate-half RoPE on `[batch, heads, seq, hd]`, at positions 0 … seq−1, or at `positions`
   * (row-major `[batch, seq]`, one per token: a cached step's offsets, a left-padded row's shift).
   */
  private applyRotary(x: tf.Tensor, positions?: ArrayLike<number>): tf.Tensor {
    const [batch, , seq] = x.shape as [number, number, number, number];
    const rows = positions === undefined ? seq : batch * seq;
    const half = this.headDim / 2;
    const angles = new Float32Array(rows * this.headDim);
    for (let r = 0; r < rows; r++) {
      const p = positions === undefined ? r : (positions[r] as number);
      for (let i = 0; i < half; i++) {
        const angle = p * this.rotaryBase ** (-(2 * i) / this.headDim);
        angles[r * this.headDim + i] = angle;
        angles[r * this.headDim + i + half] = angle;
      }
    }
    const theta =
      positions === undefined
        ? tf.tensor2d(angles, [seq, this.headDim])
        : tf.tensor4d(angles, [batch, 1, seq, this.headDim]);
    const [first, second] = tf.split(x, 2, -1) as [tf.Tensor, tf.Tensor];
    const rotated = tf.concat([tf.neg(second), first], -1);
    return tf.add(tf.mul(x, tf.cos(theta)), tf.mul(rotated, tf.sin(theta)));
  }

  /** `[batch, 1, seq, seq]` (or `[1, 1, seq, seq]`) of 1 where attention is allowed, or null. */
  private allowedPositions(seq: number, paddingMask: tf.Tensor | undefined): tf.Tensor | null {
    let allowed: tf.Tensor | null = null;
    if (this.causal) allowed = causalMask(seq); // shared per length, kept: never disposed here
    if (paddingMask) {
      const keys = tf.reshape(tf.cast(tf.notEqual(paddingMask, 0), 'float32'), [
        paddingMask.shape[0] as number,
        1,
        1,
        seq,
      ]);
      allowed = allowed ? tf.mul(allowed, keys) : keys;
    }
    return allowed;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const [x, paddingMask] = (Array.isArray(inputs) ? inputs : [inputs]) as [
        tf.Tensor,
        tf.Tensor | undefined,
      ];
      if (x.rank !== 3 || x.shape[2] !== this.hiddenSize) {
        this.fail(`input must be [batch, seq, ${this.hiddenSize}], got [${x.shape}]`);
      }
      const [batch, seq] = x.shape as [number, number, number];
      if (batch === 0 || seq === 0) this.fail(`input must not be empty, got [${x.shape}]`);
      checkAttentionSize(this.getClassName(), batch, this.numHeads, seq); // before wasm's heap runs out
      // [B, S] of 0/NaN where the backend cannot throw on a mask value other than 0 and 1.
      const maskPoison = paddingMask && maskGuard(this.getClassName(), paddingMask, batch, seq);
      if (
        paddingMask &&
        (paddingMask.rank !== 2 || paddingMask.shape[0] !== batch || paddingMask.shape[1] !== seq)
      ) {
        this.fail(
          `paddingMask must be [batch, seq] = [${batch}, ${seq}], got [${paddingMask.shape}]`,
        );
      }
      const [q, k, v] = this.queryKeyValue(x);
      const allowed = this.allowedPositions(seq, paddingMask);
      const out = this.attend(q, k, v, false, allowed, kwargs?.training === true); // [B, S, d]
      return maskPoison ? tf.add(out, tf.expandDims(maskPoison, -1)) : out;
    });
  }

  /**
   * One decoding step with a key/value cache: projects the new tokens `x [batch, seq, d]`
   * (the prompt at prefill, then one token a step), appends their keys and values to `cache`,
   * and attends from the new tokens to every cached entry `step.allowed` permits. The
   * projections, RoPE (at `step.positions`) and attention are the same code as {@link call},
   * so a cached step equals the full pass at the same position.
   *
   * @param x - Normalised hidden states of the new tokens, `[batch, seq, hiddenSize]`.
   * @param cache - This layer's cache; its length grows by `seq`.
   * @param step - Positions and mask of the new tokens (see {@link decodingStep}).
   * @returns `[batch, seq, hiddenSize]`.
   * @throws RangeError if the layer is not causal, or on shapes that do not match the cache.
   * @example
   * ```ts
   * import * as tf from '@tensorflow/tfjs';
   * import { decodingStep, KeyValueCache, MultiHeadAttention } from 'tiedformer';
   * const attention = new MultiHeadAttention({ numHeads: 2, causal: true, rotary: true });
   * attention.build([1, 3, 8]);
   * const cache = new KeyValueCache({ capacity: 4 });
   * const prefill = decodingStep({ start: 0, seq: 3, capacity: 4, leftPadding: [0] });
   * attention.callCached(tf.randomNormal([1, 3, 8]), cache, prefill); // [1, 3, 8]
   * const next = decodingStep({ start: 3, seq: 1, capacity: 4, leftPadding: [0] });
   * attention.callCached(tf.randomNormal([1, 1, 8]), cache, next); // [1, 1, 8]
   * cache.dispose();
   * ```
   */
  callCached(x: tf.Tensor, cache: KeyValueCache, step: CacheStep): tf.Tensor {
    if (!this.causal) this.fail('a key/value cache needs causal attention (causal: true)');
    if (!this.built) this.fail('the layer is not built yet: apply it once or call build()');
    return tf.tidy(() => {
      if (x.rank !== 3 || x.shape[2] !== this.hiddenSize) {
        this.fail(`input must be [batch, seq, ${this.hiddenSize}], got [${x.shape}]`);
      }
      const [batch, seq] = x.shape as [number, number, number];
      if (step.start !== cache.length) {
        this.fail(`step starts at ${step.start} but the cache holds ${cache.length} positions`);
      }
      const expected = [batch, 1, seq, cache.keyLength(seq)];
      if (step.positions.length !== batch * seq || step.allowed.shape.join() !== expected.join()) {
        this.fail(
          `step must have ${batch * seq} positions and allowed [${expected}], got ${step.positions.length} and [${step.allowed.shape}]`,
        );
      }
      const [q, k, v] = this.queryKeyValue(x, step.positions);
      const [keys, values] = cache.append(k, v); // [B, K, hd, capacity], [B, K, capacity, hd]
      return this.attend(q, keys, values, true, step.allowed, false);
    });
  }

  /** Queries `[B, H, S, hd]`, keys and values `[B, K, S, hd]` of `x`, RoPE at `positions`. */
  private queryKeyValue(
    x: tf.Tensor,
    positions?: ArrayLike<number>,
  ): [tf.Tensor, tf.Tensor, tf.Tensor] {
    let q = this.splitHeads(this.project(x, 'query'), this.numHeads); // [B, H, S, hd]
    let k = this.splitHeads(this.project(x, 'key'), this.numKeyValueHeads); // [B, K, S, hd]
    const v = this.splitHeads(this.project(x, 'value'), this.numKeyValueHeads); // [B, K, S, hd]
    if (this.rotary) {
      q = this.applyRotary(q, positions);
      k = this.applyRotary(k, positions);
    }
    return [q, k, v];
  }

  /**
   * `softmax(scale · q·kᵀ + mask)·v`, heads merged, then the output projection. `q` is
   * `[B, H, Sq, hd]`; `k` is `[B, K, Sk, hd]`, or `[B, K, hd, Sk]` when `keysTransposed` (a
   * cache stores it so, for a plain product); `v` is `[B, K, Sk, hd]`; `allowed` is
   * `[B or 1, 1, Sq, Sk]` (1 where attention is allowed) or null.
   */
  private attend(
    q: tf.Tensor,
    k: tf.Tensor,
    v: tf.Tensor,
    keysTransposed: boolean,
    allowed: tf.Tensor | null,
    training: boolean,
  ): tf.Tensor {
    const [batch, , seq] = q.shape as [number, number, number, number];
    const keyLength = v.shape[2] as number;
    // Grouped-query attention without copying keys and values: the `group` query heads that
    // share a key/value head are stacked along the sequence axis, [B, H, S, hd] →
    // [B, K, group·S, hd], so each product runs once per key/value head.
    const group = this.numHeads / this.numKeyValueHeads;
    const grouped = [batch, this.numKeyValueHeads, group * seq] as const;
    const qGrouped = tf.reshape(q, [...grouped, this.headDim]);
    let scores = tf.reshape(tf.mul(matMul(qGrouped, k, false, !keysTransposed), this.scale), [
      batch,
      this.numHeads,
      seq,
      keyLength,
    ]);
    if (allowed) scores = tf.add(scores, tf.mul(tf.sub(1, allowed), MASKED));
    let probs = tf.softmax(scores, -1); // [B, H, Sq, Sk]
    // A query with no allowed key would spread its weight uniformly over masked keys: zero it.
    if (allowed) probs = tf.mul(probs, tf.max(allowed, -1, true));
    if (training && this.dropout > 0) probs = tf.dropout(probs, this.dropout);
    const context = tf.reshape(matMul(tf.reshape(probs, [...grouped, keyLength]), v), [
      batch,
      this.numHeads,
      seq,
      this.headDim,
    ]);
    const merged = tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [
      batch,
      seq,
      this.numHeads * this.headDim,
    ]);
    return this.project(merged, 'output'); // [B, S, d]
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      numKeyValueHeads: this.numKeyValueHeads,
      ...(this.headDimArg === undefined ? {} : { headDim: this.headDimArg }),
      causal: this.causal,
      useBias: this.useBias,
      qkvBias: this.qkvBias,
      outputBias: this.outputBias,
      dropout: this.dropout,
      ...(this.scaleArg === undefined ? {} : { scale: this.scaleArg }),
      rotary: this.rotary,
      rotaryBase: this.rotaryBase,
      ...this.initializers.getConfig(),
    };
  }
}
tf.serialization.registerClass(MultiHeadAttention);
