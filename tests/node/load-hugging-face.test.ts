import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyTie } from '../../src/diagnostics/verify-tie.js';
import { loadHuggingFace } from '../../src/node/load-hugging-face.js';

describe('loadHuggingFace', () => {
  it('names what is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tiedformer-hf-empty-'));
    await expect(loadHuggingFace(empty)).rejects.toThrow(
      `[loadHuggingFace] ${empty} has no config.json`,
    );
    const fixture = new URL('../fixtures/hf/llama-f32/', import.meta.url).pathname;
    expect(existsSync(join(fixture, 'config.json'))).toBe(true);
    expect(verifyTie(await loadHuggingFace(fixture)).tied).toBe(true);
  });
});
