import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTokenizer } from 'tiedformer/node';
import { describe, expect, it } from 'vitest';

// The tiny byte-level BPE tokenizer of scripts/make_tokenizer_fixture.py.
const fixture = fileURLToPath(new URL('../fixtures/tokenizer/', import.meta.url));

describe('loadTokenizer', () => {
  it('loads tokenizer.json and tokenizer_config.json from a directory', async () => {
    const tokenizer = await loadTokenizer(fixture);
    expect(tokenizer.encode('hello world')).toEqual([268, 259, 264]);
    expect(tokenizer.eosTokenId).toBe(269);
    expect(tokenizer.decode([268, 259, 264], { skipSpecialTokens: true })).toBe('hello world');
  });

  it('works without tokenizer_config.json and names a directory without tokenizer.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tiedformer-tokenizer-'));
    await expect(loadTokenizer(dir)).rejects.toThrow(
      `[loadTokenizer] no tokenizer.json in ${JSON.stringify(dir)}`,
    );
    writeFileSync(join(dir, 'tokenizer.json'), readFileSync(join(fixture, 'tokenizer.json')));
    const tokenizer = await loadTokenizer(dir);
    expect(tokenizer.eosTokenId).toBeUndefined();
    expect(tokenizer.encode('hello', { addSpecialTokens: false })).toEqual([259]);
  });
});
