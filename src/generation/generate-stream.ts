import type * as tf from '@tensorflow/tfjs';
import { mt19937 } from '../analysis/seeded-random.js';
import { fail } from '../analysis/validation.js';
import { CachedDecoder } from './cached-decoder.js';
import type { Decoder } from './decoder.js';
import { FullPassDecoder } from './full-pass-decoder.js';
import {
  type GenerateOptions,
  type ResolvedGenerateOptions,
  resolveGenerateOptions,
  tokenId,
} from './generate-options.js';
import { sampleTokens } from './sample-tokens.js';
import { yieldToEventLoop } from './yield-to-event-loop.js';

/** Uniform numbers in [0, 1): seeded Mersenne Twister, so sampling is reproducible. */
function uniformSource(seed: number | undefined): () => number {
  if (seed === undefined) return Math.random;
  const next = mt19937.factory({ seed: Math.max(1, seed) }); // uint32s
  return () => next() / 4294967296;
}

/** The model's vocabulary size, read from its output shape (undefined if not static). */
function vocabSizeOf(model: tf.LayersModel): number | undefined {
  const shape = model.outputs[0]?.shape;
  const last = shape?.[shape.length - 1];
  return typeof last === 'number' ? last : undefined;
}

/** The longest context a model takes: its fixed input length, or a learned position table's rows. */
function modelContext(model: tf.LayersModel): number | undefined {
  const fixed = model.inputs[0]?.shape[1];
  if (typeof fixed === 'number') return fixed;
  for (const layer of model.layers) {
    const rows = (layer as { maxPositions?: unknown }).maxPositions;
    if (typeof rows === 'number' && rows > 0) return rows;
  }
  return undefined;
}

/** Whether `prompt` is a batch (an array of arrays) or one prompt; validates every id. */
function readPrompts(owner: string, prompt: unknown, vocabSize: number | undefined) {
  if (!Array.isArray(prompt) || prompt.length === 0)
    fail(
      owner,
      'prompt must be a non-empty array of token ids, or a non-empty array of such arrays',
    );
  const batched = Array.isArray(prompt[0]);
  const rows = (batched ? prompt : [prompt]) as unknown[];
  rows.forEach((row, b) => {
    const where = batched ? `prompt[${b}]` : 'prompt';
    if (!Array.isArray(row) || row.length === 0)
      fail(owner, `${where} must be a non-empty array of token ids, got ${JSON.stringify(row)}`);
    row.forEach((id, i) => {
      tokenId(owner, `${where}[${i}]`, id, vocabSize);
    });
  });
  return { batched, rows: rows as number[][] };
}

/** Throws the signal's reason if it has fired. */
function checkAbort(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  throw signal.reason ?? new Error('[generate] aborted');
}

/**
 * The decoding loop shared by {@link generate} and {@link generateStream}: one array per
 * step, each row's new token or `null` once the row has stopped.
 * @internal
 */
export async function* decodeRows(
  owner: string,
  model: tf.LayersModel,
  rows: number[][],
  opts: ResolvedGenerateOptions,
): AsyncGenerator<(number | null)[], void, undefined> {
  const context = opts.maxContext ?? modelContext(model);
  const longest = Math.max(...rows.map((r) => r.length));
  const window = context ?? Number.POSITIVE_INFINITY;
  let useCache = opts.cache !== false;
  if (opts.cache !== false) {
    const why = CachedDecoder.unsupported(model);
    if (why !== undefined && opts.cache === true)
      fail(
        owner,
        `cache: true, but the model cannot use a key/value cache: ${why}; pass cache: false or 'auto'`,
      );
    useCache = why === undefined;
  }
  const decoder: Decoder = useCache
    ? new CachedDecoder(model, { maxLength: Math.min(window, longest + opts.maxNewTokens) })
    : new FullPassDecoder(model, context === undefined ? {} : { maxContext: context });
  const history = rows.map((r) => [...r]);
  const windows = () => history.map((r) => r.slice(-window));
  const random = uniformSource(opts.seed);
  const rule = {
    temperature: opts.temperature,
    ...(opts.topK === undefined ? {} : { topK: opts.topK }),
    topP: opts.topP,
  };
  const running = rows.map(() => true);
  let logits: tf.Tensor | null = null;
  try {
    checkAbort(opts.signal);
    if (opts.maxNewTokens === 0) return;
    logits = decoder.prefill(windows());
    for (let step = 0; step < opts.maxNewTokens; step++) {
      const uniforms = rows.map(() => random());
      const picked = sampleTokens(logits, rule, uniforms);
      logits.dispose();
      logits = null;
      const read = await picked.data(); // the only read of a step: [rows, 2] int32
      picked.dispose();
      checkAbort(opts.signal);
      const tokens: (number | null)[] = rows.map((_, b) => {
        if (!running[b]) return null;
        if (read[2 * b + 1] === 1)
          fail(
            owner,
            `the model's logits for prompt ${b} at new token ${step} are NaN or have no finite maximum`,
          );
        return read[2 * b] as number;
      });
      tokens.forEach((t, b) => {
        if (t === null) return;
        (history[b] as number[]).push(t);
        if (opts.stop.has(t)) running[b] = false;
      });
      yield tokens;
      if (step + 1 === opts.maxNewTokens || !running.includes(true)) return;
      await yieldToEventLoop();
      checkAbort(opts.signal);
      const last = history.map((r) => r[r.length - 1] as number);
      logits =
        decoder.length + 1 > decoder.maxLength ? decoder.prefill(windows()) : decoder.step(last);
    }
  } finally {
    logits?.dispose();
    decoder.dispose();
  }
}

/**
 * Streams generated tokens as they come, without blocking the event loop: one prompt yields
 * each new token id; a batch of prompts (of any lengths) yields, per step, one entry per
 * prompt (its new token, or `null` once that prompt hit a stop token). Decoding uses a
 * key/value cache when the model allows (see {@link GenerateOptions.cache}); the only
 * device read per step is the sampled tokens (`await data()`), so GPU backends never
 * block. Leaving the loop early (`break`) or aborting frees the cache.
 *
 * @param model - A causal LM mapping int32 ids `[batch, seq]` to logits `[batch, seq, vocab]`.
 * @param prompt - Token ids (integers in `[0, vocabSize)`), or an array of such prompts.
 * @param options - Length, sampling rule, stop ids, seed, abort signal (see {@link GenerateOptions}).
 * @returns An async iterator of token ids (or of per-prompt arrays for a batch).
 * @throws RangeError (when iterated) on a bad prompt or option, or NaN logits; the signal's
 *   reason on abort.
 * @example
 * ```ts
 * import { createCausalLM, generateStream } from 'tiedformer';
 * const model = createCausalLM({
 *   vocabSize: 50, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, head: 'tied',
 * });
 * for await (const token of generateStream(model, [1, 2, 3], { maxNewTokens: 5, stop: [0] })) {
 *   console.log(token);
 * }
 * ```
 */
export function generateStream(
  model: tf.LayersModel,
  prompt: readonly number[],
  options: GenerateOptions,
): AsyncGenerator<number, void, undefined>;
export function generateStream(
  model: tf.LayersModel,
  prompt: readonly (readonly number[])[],
  options: GenerateOptions,
): AsyncGenerator<(number | null)[], void, undefined>;
export async function* generateStream(
  model: tf.LayersModel,
  prompt: readonly number[] | readonly (readonly number[])[],
  options: GenerateOptions,
): AsyncGenerator<number | (number | null)[], void, undefined> {
  const owner = 'generateStream';
  const vocabSize = vocabSizeOf(model);
  const opts = resolveGenerateOptions(owner, options, vocabSize);
  const { batched, rows } = readPrompts(owner, prompt, vocabSize);
  for await (const tokens of decodeRows(owner, model, rows, opts)) {
    if (batched) yield tokens;
    else if (tokens[0] !== null && tokens[0] !== undefined) yield tokens[0];
  }
}

/** Validates and starts a decoding loop for {@link generate}. @internal */
export function startDecoding(
  owner: string,
  model: tf.LayersModel,
  prompt: unknown,
  options: unknown,
) {
  const vocabSize = vocabSizeOf(model);
  const opts = resolveGenerateOptions(owner, options, vocabSize);
  const { batched, rows } = readPrompts(owner, prompt, vocabSize);
  return { batched, rows, steps: decodeRows(owner, model, rows, opts) };
}
