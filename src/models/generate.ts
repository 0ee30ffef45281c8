import * as tf from '@tensorflow/tfjs';
import { mt19937 } from '../analysis/seeded-random.js';
import { nonNegativeInteger, positiveInteger, positiveNumber } from '../analysis/validation.js';

/**
 * Options of {@link generate}.
 *
 * @example
 * ```ts
 * import type { GenerateOptions } from 'tiedformer';
 * const greedy: GenerateOptions = { maxNewTokens: 20 };
 * const sampled: GenerateOptions = { maxNewTokens: 20, temperature: 0.8, topK: 40, seed: 1 };
 * ```
 */
export interface GenerateOptions {
  /** Number of tokens to append. */
  maxNewTokens: number;
  /** Sampling temperature (> 0); omit for greedy decoding (argmax). */
  temperature?: number;
  /** Sample only among the `k` most likely tokens. Default: all. */
  topK?: number;
  /** Seed of the sampler (non-negative integer). Default: unseeded. */
  seed?: number;
  /** Longest context fed to the model (the model's fixed `seqLen`, if it has one). Default: all tokens. */
  maxContext?: number;
}

/** Uniform numbers in [0, 1): seeded Mersenne Twister, so sampling is reproducible. */
function uniformSource(seed: number | undefined): () => number {
  if (seed === undefined) return Math.random;
  const next = mt19937.factory({ seed: Math.max(1, seed) }); // uint32s
  return () => next() / 4294967296;
}

/**
 * Extends a prompt token by token with a causal LM (such as {@link createCausalLM}'s): greedy
 * (argmax) by default, or sampled with a temperature and optional top-k. Each step runs the
 * model on the whole context (no key/value cache).
 *
 * @param model - Maps int32 ids `[1, seq]` to logits `[1, seq, vocab]`.
 * @param prompt - Token ids to start from (at least one).
 * @param opts - Number of new tokens and the sampling rule.
 * @returns The prompt followed by the generated tokens.
 * @throws RangeError on an empty prompt or invalid options.
 * @example
 * ```ts
 * import { createCausalLM, generate } from 'tiedformer';
 * const model = createCausalLM({
 *   vocabSize: 50, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, head: 'tied',
 * });
 * const tokens = generate(model, [1, 2, 3], { maxNewTokens: 5, temperature: 1, topK: 10, seed: 7 });
 * ```
 */
export function generate(
  model: tf.LayersModel,
  prompt: readonly number[],
  opts: GenerateOptions,
): number[] {
  const owner = 'generate';
  if (!Array.isArray(prompt) || prompt.length === 0)
    throw new RangeError(`[${owner}] prompt must be a non-empty array of token ids`);
  const maxNewTokens = nonNegativeInteger(owner, 'maxNewTokens', opts?.maxNewTokens);
  const temperature =
    opts.temperature === undefined
      ? undefined
      : positiveNumber(owner, 'temperature', opts.temperature);
  const topK = opts.topK === undefined ? undefined : positiveInteger(owner, 'topK', opts.topK);
  const maxContext =
    opts.maxContext === undefined
      ? undefined
      : positiveInteger(owner, 'maxContext', opts.maxContext);
  const random = uniformSource(
    opts.seed === undefined ? undefined : nonNegativeInteger(owner, 'seed', opts.seed),
  );
  const tokens = [...prompt];
  for (let step = 0; step < maxNewTokens; step++) {
    const context = maxContext === undefined ? tokens : tokens.slice(-maxContext);
    const last = tf.tidy(() => {
      const logits = model.predict(
        tf.tensor2d([context], [1, context.length], 'int32'),
      ) as tf.Tensor;
      return Array.from(
        tf.squeeze(tf.slice(logits, [0, context.length - 1, 0], [1, 1, -1])).dataSync(),
      );
    });
    tokens.push(temperature === undefined ? argmax(last) : sample(last, temperature, topK, random));
  }
  return tokens;
}

function argmax(values: number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++)
    if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

function sample(
  logits: number[],
  temperature: number,
  topK: number | undefined,
  random: () => number,
): number {
  let candidates = logits.map((z, id) => ({ id, z: z / temperature }));
  if (topK !== undefined && topK < candidates.length) {
    candidates = candidates.sort((a, b) => b.z - a.z).slice(0, topK);
  }
  const max = Math.max(...candidates.map((c) => c.z));
  const weights = candidates.map((c) => Math.exp(c.z - max));
  let u = random() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < candidates.length; i++) {
    u -= weights[i] as number;
    if (u <= 0) return (candidates[i] as { id: number }).id;
  }
  return (candidates[candidates.length - 1] as { id: number }).id;
}
