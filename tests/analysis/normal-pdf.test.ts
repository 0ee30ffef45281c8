import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalPdf } from '../../src/analysis/normal-pdf.js';

// Golden values: scripts/make_normal_fixture.py (Python's libm and statistics.NormalDist).
const fixture: Record<'pdf' | 'cdf' | 'quantile', [number, number][]> = JSON.parse(
  readFileSync(new URL('../fixtures/normal.json', import.meta.url), 'utf8'),
);
const relativeError = (actual: number, expected: number) =>
  Math.abs(actual - expected) / Math.max(Math.abs(expected), Number.MIN_VALUE);

describe('normalPdf', () => {
  it('matches the independent reference to 1e-14 relative', () => {
    for (const [x, expected] of fixture.pdf)
      expect(relativeError(normalPdf(x), expected)).toBeLessThan(1e-14);
  });

  it('would catch a 1e-12 relative error (negative control)', () => {
    const [x, expected] = fixture.pdf[3] as [number, number];
    expect(relativeError(normalPdf(x) * (1 + 1e-12), expected)).toBeGreaterThan(1e-14);
  });
});
