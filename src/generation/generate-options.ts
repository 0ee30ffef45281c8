import {
  fail,
  knownKeys,
  nonNegativeInteger,
  options,
  positiveInteger,
} from '../analysis/validation.js';

/**
 * Options of {@link generate} and {@link generateStream}.
 *
 * @example
 * ```ts
 * import type { GenerateOptions } from 'tiedformer';
 * const greedy: GenerateOptions = { maxNewTokens: 20 };
 * const sampled: GenerateOptions = { maxNewTokens: 20, temperature: 0.8, topP: 0.95, seed: 1 };
 * const chat: GenerateOptions = { maxNewTokens: 200, stop: [2], signal: AbortSignal.timeout(5000) };
 * ```
 */
export interface GenerateOptions {
  /** Number of tokens to append (at most; a stop token ends a row early). */
  maxNewTokens: number;
  /** Sampling temperature (≥ 0); omit or `0` for greedy decoding (argmax). */
  temperature?: number;
  /** Sample only among the `k` most likely tokens. Default: all. */
  topK?: number;
  /** Nucleus sampling: only the most likely tokens whose probabilities sum to `p`, in (0, 1]. Default `1`. */
  topP?: number;
  /** Token ids that end a row; the stop token is included in the output. Default: none. */
  stop?: readonly number[];
  /** Seed of the sampler (non-negative integer), so sampling is reproducible. Default: unseeded. */
  seed?: number;
  /** Aborts generation: the promise rejects (the stream throws) with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Longest context the model sees: beyond it, each token is computed from the last
   * `maxContext` tokens (with the cache, a fresh prefill of that window per token). Default:
   * the model's fixed input length (`createCausalLM({ seqLen })`), else a learned position
   * table's size, else unlimited.
   */
  maxContext?: number;
  /**
   * `'auto'` (default): a key/value cache ({@link CachedDecoder}) when the model supports
   * one, else a full pass per token; `true`: the cache or an error saying why not; `false`:
   * always a full pass ({@link FullPassDecoder}).
   */
  cache?: boolean | 'auto';
}

/** Validated options with defaults resolved. @internal */
export interface ResolvedGenerateOptions {
  maxNewTokens: number;
  temperature: number;
  topK: number | undefined;
  topP: number;
  stop: Set<number>;
  seed: number | undefined;
  signal: AbortSignal | undefined;
  maxContext: number | undefined;
  cache: boolean | 'auto';
}

const KNOWN = [
  'maxNewTokens',
  'temperature',
  'topK',
  'topP',
  'stop',
  'seed',
  'signal',
  'maxContext',
  'cache',
] as const;

/**
 * Validates {@link GenerateOptions}: unknown keys (typos) are rejected, each value is checked,
 * and stop ids must lie in `[0, vocabSize)`. @internal
 */
export function resolveGenerateOptions(
  owner: string,
  value: unknown,
  vocabSize: number | undefined,
): ResolvedGenerateOptions {
  const opts = options(owner, value);
  knownKeys(owner, opts, KNOWN);
  const temperature = opts.temperature ?? 0;
  if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature < 0)
    fail(owner, `temperature must be a finite number ≥ 0, got ${String(temperature)}`);
  const topP = opts.topP ?? 1;
  if (typeof topP !== 'number' || !(topP > 0 && topP <= 1))
    fail(owner, `topP must be a number in (0, 1], got ${String(topP)}`);
  const stop = opts.stop ?? [];
  if (!Array.isArray(stop)) fail(owner, `stop must be an array of token ids, got ${String(stop)}`);
  stop.forEach((id, i) => {
    tokenId(owner, `stop[${i}]`, id, vocabSize);
  });
  const signal = opts.signal;
  if (
    signal !== undefined &&
    (typeof signal !== 'object' || signal === null || !('aborted' in signal))
  )
    fail(owner, `signal must be an AbortSignal, got ${String(signal)}`);
  return {
    maxNewTokens: nonNegativeInteger(owner, 'maxNewTokens', opts.maxNewTokens),
    temperature,
    topK: opts.topK === undefined ? undefined : positiveInteger(owner, 'topK', opts.topK),
    topP,
    stop: new Set(stop as number[]),
    seed: opts.seed === undefined ? undefined : nonNegativeInteger(owner, 'seed', opts.seed),
    signal: signal as AbortSignal | undefined,
    maxContext:
      opts.maxContext === undefined
        ? undefined
        : positiveInteger(owner, 'maxContext', opts.maxContext),
    cache: cacheMode(owner, opts.cache),
  };
}

/** An integer token id in `[0, vocabSize)`, or a RangeError naming where it sits. @internal */
export function tokenId(owner: string, where: string, id: unknown, vocabSize: number | undefined) {
  if (
    typeof id !== 'number' ||
    !Number.isInteger(id) ||
    id < 0 ||
    (vocabSize !== undefined && id >= vocabSize)
  ) {
    const range = vocabSize === undefined ? '≥ 0' : `in [0, ${vocabSize})`;
    fail(
      owner,
      `${where} must be an integer token id ${range}, got ${JSON.stringify(id) ?? String(id)}`,
    );
  }
  return id;
}

function cacheMode(owner: string, value: unknown): boolean | 'auto' {
  const mode = value ?? 'auto';
  if (mode !== true && mode !== false && mode !== 'auto')
    fail(owner, `cache must be true, false or 'auto', got ${JSON.stringify(mode)}`);
  return mode;
}
