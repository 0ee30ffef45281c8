import * as tf from '@tensorflow/tfjs';
import { fail, options, positiveInteger } from '../analysis/validation.js';
import { TiedHeadBase } from '../heads/tied-head-base.js';
import { UntiedLMHead } from '../heads/untied-lm-head.js';
import { decodingStep } from '../layers/decoding-step.js';
import { FFN } from '../layers/ffn.js';
import { KeyValueCache } from '../layers/key-value-cache.js';
import { MultiHeadAttention } from '../layers/multi-head-attention.js';
import { RMSNorm } from '../layers/rms-norm.js';
import { TokenEmbedding } from '../layers/token-embedding.js';
import { TransformerBlock } from '../layers/transformer-block.js';
import type { Decoder } from './decoder.js';

/**
 * Options of {@link CachedDecoder}.
 *
 * @example
 * ```ts
 * import type { CachedDecoderArgs } from 'tiedformer';
 * const args: CachedDecoderArgs = { maxLength: 1024 };
 * ```
 */
export interface CachedDecoderArgs {
  /** Longest context the caches may hold (prompt + new tokens): bounds their memory. */
  maxLength: number;
}

/**
 * A layer whose output depends on each token's absolute position (a learned position
 * table): the decoder hands it the step's positions, row-major `[batch, seq]`.
 * @internal
 */
interface PositionAwareLayer {
  callAtPositions(x: tf.Tensor, positions: Int32Array): tf.Tensor;
}

/** How each layer of the chain runs in a cached step. */
type Stage =
  | { kind: 'cached'; layer: TransformerBlock | MultiHeadAttention }
  | { kind: 'positions'; layer: tf.layers.Layer & PositionAwareLayer }
  | { kind: 'pointwise'; layer: tf.layers.Layer };

/** tfjs layers that act on each position alone, so they run unchanged on the new tokens. */
const POINTWISE_TFJS = ['Dense', 'Activation', 'Dropout', 'Embedding', 'LayerNormalization'];
/** Growth unit of the caches: steps keep one shape for this many positions. */
const BLOCK = 256;

/** The layers from the model's input to its output, or why the cache cannot drive them. */
function stagesOf(model: tf.LayersModel): Stage[] | string {
  if (model.inputs.length !== 1 || model.outputs.length !== 1)
    return `the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs, not one each`;
  const stages: Stage[] = [];
  let tensor = model.outputs[0] as tf.SymbolicTensor;
  while (tensor !== model.inputs[0]) {
    const layer = tensor.sourceLayer;
    const inputs = tensor.inputs ?? [];
    const what = `layer '${layer.name}' (${layer.getClassName()})`;
    if (inputs.length !== 1) return `${what} takes ${inputs.length} inputs, not one`;
    if (layer instanceof TransformerBlock || layer instanceof MultiHeadAttention) {
      const causal = layer instanceof MultiHeadAttention ? layer.causal : layer.attention.causal;
      if (!causal) return `${what} is not causal`;
      stages.unshift({ kind: 'cached', layer });
    } else if (typeof (layer as Partial<PositionAwareLayer>).callAtPositions === 'function') {
      stages.unshift({ kind: 'positions', layer: layer as tf.layers.Layer & PositionAwareLayer });
    } else if (
      layer instanceof TokenEmbedding ||
      layer instanceof RMSNorm ||
      layer instanceof FFN ||
      layer instanceof TiedHeadBase ||
      layer instanceof UntiedLMHead ||
      layer.getClassName() === 'LayerNorm' ||
      POINTWISE_TFJS.includes(layer.getClassName())
    ) {
      stages.unshift({ kind: 'pointwise', layer });
    } else {
      return `${what} is not known to act on each position alone`;
    }
    tensor = inputs[0] as tf.SymbolicTensor;
  }
  return stages;
}

/**
 * Decodes a causal LM with a key/value cache: the prompt runs once (prefill), then each step
 * feeds one new token per row through the model's own layers, in order, each
 * {@link TransformerBlock} (or causal {@link MultiHeadAttention}) with its
 * {@link KeyValueCache} (`callCached`), every other layer unchanged on the new token.
 * Per-token cost grows with the context only through attention over the cache, not through
 * re-running the context.
 *
 * Works on models that are a chain of single-input layers from the int32 ids to the logits,
 * made of tiedformer's layers (as {@link createCausalLM} builds, or a model loaded from its
 * save) and position-wise tfjs layers; {@link CachedDecoder.unsupported} says why a model is
 * not. Prompts of different lengths are left-padded; each row's positions start at 0 at its
 * first real token, so it computes what it would alone. The model's fixed input length
 * (`seqLen`), if any, does not constrain the cached path. Memory: each cache holds
 * `2 · rows · K · headDim` floats per position, at most `maxLength` positions: on cpu, wasm
 * and tfjs-node exactly the positions written (one concatenation a step), on other backends buffers
 * of one shape per block of 256 positions (so GPU shaders compile once per block);
 * {@link dispose} frees it.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { CachedDecoder, createCausalLM } from 'tiedformer';
 * const model = createCausalLM({
 *   vocabSize: 50, hiddenSize: 16, numLayers: 2, numHeads: 2, intermediateSize: 32, head: 'tied',
 * });
 * const decoder = new CachedDecoder(model, { maxLength: 16 });
 * const first = decoder.prefill([[1, 2, 3], [4, 5]]); // [2, 50]: after 3 and after 5
 * const next = decoder.step([6, 7]); // [2, 50]
 * tf.dispose([first, next]);
 * decoder.dispose();
 * ```
 */
export class CachedDecoder implements Decoder {
  readonly maxLength: number;
  private readonly stages: Stage[];
  private readonly lastMixing: number;
  private caches: KeyValueCache[] = [];
  private padding: number[] = [];
  private size = 0;
  private room = 0;
  /** Exact-length caches on CPU backends (less copying); fixed shapes on GPU ones (shader caches). */
  private readonly exact = ['cpu', 'wasm', 'tensorflow'].includes(tf.getBackend());

  /**
   * Why `model` cannot be decoded with a cache, or `undefined` if it can.
   *
   * @param model - A causal LM.
   * @returns A sentence naming the layer at fault, or `undefined`.
   * @example
   * ```ts
   * import { CachedDecoder, createCausalLM } from 'tiedformer';
   * const model = createCausalLM({
   *   vocabSize: 50, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, head: 'tied',
   * });
   * CachedDecoder.unsupported(model); // undefined
   * ```
   */
  static unsupported(model: tf.LayersModel): string | undefined {
    const stages = stagesOf(model);
    return typeof stages === 'string' ? stages : undefined;
  }

  /**
   * @param model - A causal LM mapping int32 ids `[batch, seq]` to logits `[batch, seq, vocab]`.
   * @param args - The longest context (see {@link CachedDecoderArgs}).
   * @throws RangeError if the model is not supported (naming the layer) or on a bad `maxLength`.
   */
  constructor(model: tf.LayersModel, args: CachedDecoderArgs) {
    options('CachedDecoder', args);
    this.maxLength = positiveInteger('CachedDecoder', 'maxLength', args.maxLength);
    const stages = stagesOf(model);
    if (typeof stages === 'string')
      fail('CachedDecoder', `cannot decode this model with a key/value cache: ${stages}`);
    this.stages = stages;
    let lastMixing = -1;
    stages.forEach((s, i) => {
      if (s.kind !== 'pointwise') lastMixing = i;
    });
    this.lastMixing = lastMixing;
  }

  /** Positions in the padded context so far. */
  get length(): number {
    return this.size;
  }

  /** Bytes the caches hold now. */
  get bytes(): number {
    return this.caches.reduce((sum, c) => sum + c.bytes, 0);
  }

  prefill(rows: readonly (readonly number[])[]): tf.Tensor {
    if (rows.length === 0) fail('CachedDecoder', 'prefill needs at least one row');
    const longest = Math.max(...rows.map((r) => r.length));
    if (longest === 0) fail('CachedDecoder', 'every row is empty');
    if (longest > this.maxLength)
      fail('CachedDecoder', `a prompt of ${longest} tokens exceeds maxLength ${this.maxLength}`);
    this.disposeCaches();
    this.padding = rows.map((r) => longest - r.length);
    this.room = Math.min(this.maxLength, Math.ceil(longest / BLOCK) * BLOCK);
    this.caches = this.stages
      .filter((s) => s.kind === 'cached')
      .map(() => new KeyValueCache({ capacity: this.room, exact: this.exact }));
    const ids = new Int32Array(rows.length * longest);
    rows.forEach((r, b) => {
      ids.set(r, b * longest + (this.padding[b] as number));
    });
    return this.run(ids, longest);
  }

  step(tokens: readonly number[]): tf.Tensor {
    if (this.caches.length === 0 && this.size === 0) fail('CachedDecoder', 'call prefill first');
    if (tokens.length !== this.padding.length)
      fail(
        'CachedDecoder',
        `step needs ${this.padding.length} tokens (one per row), got ${tokens.length}`,
      );
    if (this.size + 1 > this.maxLength)
      fail(
        'CachedDecoder',
        `the context is full (maxLength ${this.maxLength}): prefill a shorter window`,
      );
    if (this.size + 1 > this.room) {
      this.room = Math.min(this.maxLength, Math.ceil((this.size + 1) / BLOCK) * BLOCK);
      for (const cache of this.caches) cache.grow(this.room);
    }
    return this.run(Int32Array.from(tokens), 1);
  }

  /** Runs `seq` new tokens per row through the chain; returns the logits of the last one. */
  private run(ids: Int32Array, seq: number): tf.Tensor {
    const batch = this.padding.length;
    const step = decodingStep({
      start: this.size,
      seq,
      capacity: this.exact ? this.size + seq : this.room,
      leftPadding: this.padding,
    });
    try {
      const logits = tf.tidy(() => {
        let x: tf.Tensor = tf.tensor2d(ids, [batch, seq], 'int32');
        // Only the last position's logits are needed: once no layer mixes positions any more,
        // keep just that one (the head over a long prompt would dominate the prefill).
        if (this.lastMixing < 0) x = tf.slice(x, [0, seq - 1], [batch, 1]);
        let cache = 0;
        this.stages.forEach((stage, i) => {
          if (stage.kind === 'cached') {
            x = stage.layer.callCached(x, this.caches[cache++] as KeyValueCache, step);
          } else if (stage.kind === 'positions') {
            x = stage.layer.callAtPositions(x, step.positions);
          } else {
            x = stage.layer.apply(x) as tf.Tensor;
          }
          if (i === this.lastMixing)
            x = tf.slice(x, [0, (x.shape[1] as number) - 1, 0], [batch, 1, -1]);
        });
        return tf.reshape(x, [batch, x.shape[x.rank - 1] as number]); // [B, V]
      });
      this.size += seq;
      return logits;
    } finally {
      step.allowed.dispose();
    }
  }

  private disposeCaches(): void {
    for (const cache of this.caches) cache.dispose();
    this.caches = [];
    this.size = 0;
  }

  /** Frees the caches. */
  dispose(): void {
    this.disposeCaches();
  }
}
