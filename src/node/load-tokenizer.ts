import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fail } from '../analysis/validation.js';
import { type TextTokenizer, tokenizerFromFiles } from '../interop/tokenizer-from-files.js';

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Loads the Hugging Face tokenizer of a model directory: its `tokenizer.json` and, when
 * present, `tokenizer_config.json` (special tokens). See `tokenizerFromFiles` of the root
 * entry for the platform-neutral version.
 *
 * @param directory - A Hugging Face model directory (e.g. a `git clone` of a Hub repository).
 * @returns The tokenizer.
 * @throws RangeError if the directory has no `tokenizer.json` or it cannot be loaded.
 * @example
 * ```ts
 * import { loadTokenizer } from 'tiedformer/node';
 * const tokenizer = await loadTokenizer('./SmolLM-135M');
 * console.log(tokenizer.encode('Hello world'));
 * ```
 */
export async function loadTokenizer(directory: string): Promise<TextTokenizer> {
  if (typeof directory !== 'string') {
    fail('loadTokenizer', `directory must be a path, got ${typeof directory}`);
  }
  const json = await readIfPresent(join(directory, 'tokenizer.json'));
  if (json === undefined)
    fail('loadTokenizer', `no tokenizer.json in ${JSON.stringify(directory)}`);
  const config = await readIfPresent(join(directory, 'tokenizer_config.json'));
  return tokenizerFromFiles({
    'tokenizer.json': json,
    ...(config === undefined ? {} : { 'tokenizer_config.json': config }),
  });
}
