import * as tf from '@tensorflow/tfjs';
import { fail, options, positiveInteger } from '../analysis/validation.js';
import type { Decoder } from './decoder.js';

/**
 * Options of {@link FullPassDecoder}.
 *
 * @example
 * ```ts
 * import type { FullPassDecoderArgs } from 'tiedformer';
 * const args: FullPassDecoderArgs = { maxContext: 64 };
 * ```
 */
export interface FullPassDecoderArgs {
  /** Longest context fed to the model: the last `maxContext` tokens of each row. Default: all. */
  maxContext?: number;
}

/**
 * Decodes any causal LM without a cache: every step runs the model on each row's whole
 * context (its last `maxContext` tokens), so a token costs a full pass. The fallback of
 * {@link generate} for models {@link CachedDecoder} cannot drive, and the uncached baseline
 * of the benchmark. A model with a fixed input length (`createCausalLM({ seqLen })`) gets
 * each context right-padded to that length: the model is causal, so the padding after the
 * last token does not change its logits.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { createCausalLM, FullPassDecoder } from 'tiedformer';
 * const model = createCausalLM({
 *   vocabSize: 50, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, head: 'tied',
 *   seqLen: 8,
 * });
 * const decoder = new FullPassDecoder(model, { maxContext: 8 });
 * tf.dispose([decoder.prefill([[1, 2, 3]]), decoder.step([4])]);
 * ```
 */
export class FullPassDecoder implements Decoder {
  readonly maxLength = Number.POSITIVE_INFINITY;
  private readonly model: tf.LayersModel;
  private readonly window: number;
  private readonly seqLen: number | null;
  private rows: number[][] = [];

  /**
   * @param model - A causal LM mapping int32 ids `[1, seq]` to logits `[1, seq, vocab]`.
   * @param args - The context window (see {@link FullPassDecoderArgs}).
   * @throws RangeError on a bad `maxContext`, or one longer than the model's fixed input length.
   */
  constructor(model: tf.LayersModel, args: FullPassDecoderArgs = {}) {
    options('FullPassDecoder', args);
    this.model = model;
    const fixed = model.inputs[0]?.shape[1];
    this.seqLen = typeof fixed === 'number' ? fixed : null;
    const window =
      args.maxContext === undefined
        ? Number.POSITIVE_INFINITY
        : positiveInteger('FullPassDecoder', 'maxContext', args.maxContext);
    if (this.seqLen !== null && window > this.seqLen && args.maxContext !== undefined)
      fail(
        'FullPassDecoder',
        `maxContext (${window}) exceeds the model's fixed input length ${this.seqLen}`,
      );
    this.window = Math.min(window, this.seqLen ?? Number.POSITIVE_INFINITY);
  }

  get length(): number {
    return Math.max(0, ...this.rows.map((r) => r.length));
  }

  prefill(rows: readonly (readonly number[])[]): tf.Tensor {
    if (rows.length === 0 || rows.some((r) => r.length === 0))
      fail('FullPassDecoder', 'prefill needs non-empty rows');
    this.rows = rows.map((r) => [...r]);
    return this.logits();
  }

  step(tokens: readonly number[]): tf.Tensor {
    if (tokens.length !== this.rows.length)
      fail(
        'FullPassDecoder',
        `step needs ${this.rows.length} tokens (one per row), got ${tokens.length}`,
      );
    tokens.forEach((t, b) => {
      (this.rows[b] as number[]).push(t);
    });
    return this.logits();
  }

  /** One full pass per row (rows differ in length and the model takes no padding mask). */
  private logits(): tf.Tensor {
    return tf.tidy(() => {
      const perRow = this.rows.map((row) => {
        const context = row.slice(-this.window);
        const width = this.seqLen ?? context.length;
        const ids = new Int32Array(width); // right-padded with id 0 for a fixed length
        ids.set(context);
        const out = this.model.predict(tf.tensor2d(ids, [1, width], 'int32')) as tf.Tensor;
        return tf.reshape(tf.slice(out, [0, context.length - 1, 0], [1, 1, -1]), [1, -1]);
      });
      return perRow.length === 1 ? (perRow[0] as tf.Tensor) : tf.concat(perRow, 0); // [B, V]
    });
  }

  /** Nothing to free: the decoder holds token ids only. */
  dispose(): void {
    this.rows = [];
  }
}
