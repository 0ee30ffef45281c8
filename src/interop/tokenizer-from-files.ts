import type { Tokenizer } from '@huggingface/tokenizers';
import { fail } from '../analysis/validation.js';

/**
 * A JSON file of a Hugging Face model directory, as its text, its bytes (UTF-8) or the
 * already-parsed object.
 *
 * @example
 * ```ts
 * import type { JsonFileContent } from 'tiedformer/interop';
 * const config: JsonFileContent = '{"eos_token": "</s>"}';
 * ```
 */
export type JsonFileContent = string | Uint8Array | ArrayBuffer | Record<string, unknown>;

/**
 * The tokenizer files of a Hugging Face model directory, by file name. Other files of the
 * directory (weights, `config.json`...) may be present and are ignored.
 *
 * @example
 * ```ts
 * import type { TokenizerFiles } from 'tiedformer/interop';
 * const files: TokenizerFiles = {
 *   'tokenizer.json': await (await fetch('/model/tokenizer.json')).text(),
 *   'tokenizer_config.json': await (await fetch('/model/tokenizer_config.json')).text(),
 * };
 * ```
 */
export interface TokenizerFiles {
  /** The tokenizer itself (vocabulary, merges, normalizer, pre-tokenizer, decoder...). */
  'tokenizer.json': JsonFileContent;
  /** Special tokens (`bos_token`, `eos_token`...) and options; optional. */
  'tokenizer_config.json'?: JsonFileContent;
  /** Any other file of the directory: ignored. */
  [file: string]: unknown;
}

/**
 * Text ↔ token ids for a tiedformer model, backed by `@huggingface/tokenizers` (Hugging
 * Face's pure-JavaScript port of its `tokenizers` library: BPE, WordPiece, Unigram...).
 *
 * @example
 * ```ts
 * import { tokenizerFromFiles, type TextTokenizer } from 'tiedformer/interop';
 * declare const files: { 'tokenizer.json': string };
 * const tokenizer: TextTokenizer = await tokenizerFromFiles(files);
 * const ids = tokenizer.encode('Hello world'); // with the model's special tokens, e.g. BOS
 * console.log(tokenizer.decode(ids, { skipSpecialTokens: true })); // 'Hello world'
 * ```
 */
export interface TextTokenizer {
  /** Number of token ids: one more than the largest id of the vocabulary and added tokens. */
  readonly vocabSize: number;
  /** Id of `bos_token` of `tokenizer_config.json`, if it names one the vocabulary has. */
  readonly bosTokenId: number | undefined;
  /** Id of `eos_token` (stop generating there), if any. */
  readonly eosTokenId: number | undefined;
  /** Id of `pad_token`, if any. */
  readonly padTokenId: number | undefined;
  /** The underlying `@huggingface/tokenizers` object, for everything else. */
  readonly tokenizer: Tokenizer;
  /**
   * Token ids of `text`.
   * @param text - The text.
   * @param options - `addSpecialTokens` (default true) applies the tokenizer's
   *   post-processor, e.g. prepends BOS as the model was trained.
   */
  encode(text: string, options?: { addSpecialTokens?: boolean }): number[];
  /**
   * The text of `ids`; every id must lie in `[0, vocabSize)`.
   * @param ids - Token ids.
   * @param options - `skipSpecialTokens` (default false) drops BOS, EOS, padding...
   */
  decode(ids: readonly number[], options?: { skipSpecialTokens?: boolean }): string;
}

const OWNER = 'tokenizerFromFiles';

function parseJson(name: string, content: unknown): Record<string, unknown> {
  let value: unknown = content;
  if (content instanceof ArrayBuffer || content instanceof Uint8Array) {
    try {
      value = new TextDecoder('utf-8', { fatal: true }).decode(content);
    } catch {
      fail(OWNER, `${name} is not valid UTF-8`);
    }
  }
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (error) {
      fail(OWNER, `${name} is not valid JSON (${(error as Error).message})`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(OWNER, `${name} must hold a JSON object, got ${value === null ? 'null' : typeof value}`);
  }
  return value as Record<string, unknown>;
}

/** A special token of tokenizer_config.json: a string, or an AddedToken `{ content }`. */
function tokenContent(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && 'content' in value) {
    const content = (value as { content: unknown }).content;
    if (typeof content === 'string') return content;
  }
  return undefined;
}

/**
 * Loads a Hugging Face tokenizer from the contents of `tokenizer.json` (and, optionally,
 * `tokenizer_config.json`), platform-neutrally: fetch or read the files however you like.
 * In Node, `loadTokenizer(directory)` of `tiedformer/node` reads them from a directory.
 *
 * The tokenizer library (`@huggingface/tokenizers`, ~37 kB minified, no dependencies) is
 * imported on first use, so bundles that never call this function do not load it.
 *
 * @param files - The tokenizer files by name; other files are ignored.
 * @returns A {@link TextTokenizer}.
 * @throws RangeError naming the file if `tokenizer.json` is missing, not JSON or not a
 *   tokenizer the library can load.
 * @example
 * ```ts
 * import { createCausalLM, generate } from 'tiedformer';
 * import { tokenizerFromFiles } from 'tiedformer/interop';
 * declare const files: { 'tokenizer.json': string; 'tokenizer_config.json': string };
 * const tokenizer = await tokenizerFromFiles(files);
 * const model = createCausalLM({
 *   vocabSize: tokenizer.vocabSize, hiddenSize: 32, numLayers: 1, numHeads: 2,
 *   intermediateSize: 64, head: 'tied',
 * });
 * const ids = await generate(model, tokenizer.encode('Once upon a time'), { maxNewTokens: 8 });
 * console.log(tokenizer.decode(ids, { skipSpecialTokens: true }));
 * ```
 */
export async function tokenizerFromFiles(files: TokenizerFiles): Promise<TextTokenizer> {
  if (typeof files !== 'object' || files === null) {
    fail(OWNER, `expected the files by name, e.g. { 'tokenizer.json': text }, got ${files}`);
  }
  if (files['tokenizer.json'] === undefined) {
    fail(
      OWNER,
      `no tokenizer.json among the files (got ${
        Object.keys(files)
          .map((k) => JSON.stringify(k))
          .join(', ') || 'none'
      })`,
    );
  }
  const json = parseJson('tokenizer.json', files['tokenizer.json']);
  const config =
    files['tokenizer_config.json'] === undefined
      ? {}
      : parseJson('tokenizer_config.json', files['tokenizer_config.json']);
  if (typeof json.model !== 'object' || json.model === null) {
    fail(OWNER, 'tokenizer.json has no "model" object: is it a Hugging Face tokenizer.json?');
  }
  const { Tokenizer } = await import('@huggingface/tokenizers');
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(json, config);
  } catch (error) {
    fail(OWNER, `@huggingface/tokenizers cannot load tokenizer.json: ${(error as Error).message}`);
  }
  let vocabSize = 0;
  for (const id of tokenizer.get_vocab(true).values()) vocabSize = Math.max(vocabSize, id + 1);
  const idOf = (key: string) => {
    const content = tokenContent(config[key]);
    return content === undefined ? undefined : tokenizer.token_to_id(content);
  };
  return {
    vocabSize,
    bosTokenId: idOf('bos_token'),
    eosTokenId: idOf('eos_token'),
    padTokenId: idOf('pad_token'),
    tokenizer,
    encode(text, options = {}) {
      if (typeof text !== 'string')
        fail('TextTokenizer.encode', `text must be a string, got ${typeof text}`);
      return tokenizer.encode(text, { add_special_tokens: options.addSpecialTokens ?? true }).ids;
    },
    decode(ids, options = {}) {
      if (!Array.isArray(ids)) fail('TextTokenizer.decode', 'ids must be an array of token ids');
      for (const id of ids) {
        if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
          fail('TextTokenizer.decode', `token id ${id} is outside [0, ${vocabSize})`);
        }
      }
      if (ids.length === 0) return ''; // the library refuses an empty list
      return tokenizer.decode(ids as number[], {
        skip_special_tokens: options.skipSpecialTokens ?? false,
      });
    },
  };
}
