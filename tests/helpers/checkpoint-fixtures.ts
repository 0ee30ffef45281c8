// Loads the PyTorch fixtures of scripts/make_checkpoint_layer_fixtures.py (the layers that
// Hugging Face checkpoints need); compare them with expectMatchesReference.
import { readFileSync } from 'node:fs';
import type { ReferenceCase } from './reference.js';

const fixtures = JSON.parse(
  readFileSync(new URL('../fixtures/checkpoint-layers.json', import.meta.url), 'utf8'),
) as { cases: ReferenceCase[] };

export function checkpointCases(layer: string): ReferenceCase[] {
  const cases = fixtures.cases.filter((c) => c.layer === layer);
  if (cases.length === 0) throw new Error(`no checkpoint-layer fixtures for ${layer}`);
  return cases;
}
