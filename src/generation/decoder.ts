import type * as tf from '@tensorflow/tfjs';

/**
 * What {@link generateStream} drives: runs a causal LM on a batch of prompts, then one token
 * per row at a time, returning each row's next-token logits. {@link CachedDecoder} keeps a
 * key/value cache; {@link FullPassDecoder} re-runs the whole context (any model).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { CachedDecoder, createCausalLM, type Decoder } from 'tiedformer';
 * const model = createCausalLM({
 *   vocabSize: 50, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, head: 'tied',
 * });
 * const decoder: Decoder = new CachedDecoder(model, { maxLength: 8 });
 * const logits = decoder.prefill([[1, 2, 3]]); // [1, 50]
 * tf.dispose([logits, decoder.step([4])]);
 * decoder.dispose();
 * ```
 */
export interface Decoder {
  /**
   * Starts over on `rows` (prompts of any lengths, left-padded to the longest) and returns
   * the logits after each row's last token, `[rows, vocabSize]` (the caller disposes them).
   */
  prefill(rows: readonly (readonly number[])[]): tf.Tensor;
  /** Appends one token per row and returns the next logits `[rows, vocabSize]`. */
  step(tokens: readonly number[]): tf.Tensor;
  /** Positions in the (padded) context so far. */
  readonly length: number;
  /** Longest context {@link step} can reach; beyond it, {@link prefill} a shorter window. */
  readonly maxLength: number;
  /** Frees whatever the decoder holds (the cache). */
  dispose(): void;
}
