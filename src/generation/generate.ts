import type * as tf from '@tensorflow/tfjs';
import type { GenerateOptions } from './generate-options.js';
import { startDecoding } from './generate-stream.js';

/**
 * Extends a prompt (or a batch of prompts of any lengths) with a causal LM such as
 * {@link createCausalLM}'s: greedy (argmax) by default, or sampled with a temperature, top-k
 * and top-p; stops at `maxNewTokens` or a stop token, and rejects when the signal aborts.
 * Uses a key/value cache when the model allows (one projection per new token instead of a
 * pass over the whole context) and never blocks the event loop; see {@link generateStream}
 * to receive tokens as they come.
 *
 * @param model - A causal LM mapping int32 ids `[batch, seq]` to logits `[batch, seq, vocab]`.
 * @param prompt - Token ids (integers in `[0, vocabSize)`), or an array of such prompts.
 * @param options - Length, sampling rule, stop ids, seed, abort signal (see {@link GenerateOptions}).
 * @returns The prompt followed by its generated tokens (one array per prompt for a batch).
 * @throws RangeError (as a rejection) on a bad prompt or option (a misspelt option is one),
 *   or NaN logits; the signal's reason on abort.
 * @example
 * ```ts
 * import { createCausalLM, generate } from 'tiedformer';
 * const model = createCausalLM({
 *   vocabSize: 50, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, head: 'tied',
 * });
 * const tokens = await generate(model, [1, 2, 3], { maxNewTokens: 5, temperature: 1, topK: 10, seed: 7 });
 * const batch = await generate(model, [[1, 2, 3], [4]], { maxNewTokens: 5, stop: [0] });
 * ```
 */
export function generate(
  model: tf.LayersModel,
  prompt: readonly number[],
  options: GenerateOptions,
): Promise<number[]>;
export function generate(
  model: tf.LayersModel,
  prompt: readonly (readonly number[])[],
  options: GenerateOptions,
): Promise<number[][]>;
export async function generate(
  model: tf.LayersModel,
  prompt: readonly number[] | readonly (readonly number[])[],
  options: GenerateOptions,
): Promise<number[] | number[][]> {
  const { batched, rows, steps } = startDecoding('generate', model, prompt, options);
  const out = rows.map((r) => [...r]);
  for await (const tokens of steps) {
    tokens.forEach((t, b) => {
      if (t !== null) (out[b] as number[]).push(t);
    });
  }
  return batched ? out : (out[0] as number[]);
}
