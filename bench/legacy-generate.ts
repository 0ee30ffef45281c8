// The library's generate before issue #11 (commit 35701c8, src/models/generate.ts), kept
// verbatim but for its argument validation, as the "today's generate" column of
// bench/generate.ts: every token re-runs the whole context, reading the logits synchronously.
// A CommonJS module whose `factory` Node cannot see as a named ESM export: import the default.
import mt19937 from '@stdlib/random-base-mt19937';
import * as tf from '@tensorflow/tfjs';

interface GenerateOptions {
  maxNewTokens: number;
  temperature?: number;
  topK?: number;
  seed?: number;
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
 */
export function legacyGenerate(
  model: tf.LayersModel,
  prompt: readonly number[],
  opts: GenerateOptions,
): number[] {
  const { maxNewTokens, temperature, topK, maxContext } = opts;
  const random = uniformSource(opts.seed);
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
