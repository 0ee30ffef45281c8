import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalQuantile } from '../../src/analysis/normal-quantile.js';

// Golden values: scripts/make_normal_fixture.py (Python's libm and statistics.NormalDist).
const fixture: Record<'pdf' | 'cdf' | 'quantile', [number, number][]> = JSON.parse(
  readFileSync(new URL('../fixtures/normal.json', import.meta.url), 'utf8'),
);
const relativeError = (actual: number, expected: number) =>
  Math.abs(actual - expected) / Math.max(Math.abs(expected), Number.MIN_VALUE);

describe('normalQuantile', () => {
  it('matches the independent reference to 1e-14 relative for p ≥ 0.001', () => {
    // The analysis only asks for p = 1 − 1/N ≥ ½ (initial-loss.ts).
    for (const [p, expected] of fixture.quantile)
      if (p >= 0.001) expect(relativeError(normalQuantile(p), expected)).toBeLessThan(1e-14);
  });

  it('loses digits in the far lower tail, as 2p − 1 cancels (as @stdlib does)', () => {
    const [p, expected] = fixture.quantile[0] as [number, number]; // p = 1e-9
    expect(relativeError(normalQuantile(p), expected)).toBeLessThan(1e-8);
  });

  it('would catch a 1e-12 relative error (negative control)', () => {
    const [x, expected] = fixture.quantile[3] as [number, number];
    expect(relativeError(normalQuantile(x) * (1 + 1e-12), expected)).toBeGreaterThan(1e-14);
  });
});
