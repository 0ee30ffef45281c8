import { describe, expect, it } from 'vitest';
import { GRID, type GridResult, measureGridPoint } from '../../scripts/initial-loss-grid.js';

// estimateCausalLMInitialLoss against real createCausalLM models measured with
// measureInitialLoss (the grid and its budget: scripts/initial-loss-grid.ts). The reference is
// the model itself, so nothing here is a pasted golden value. Bounds of issue #14: every point
// within 0.10 nats, the mean within 0.03.
describe('estimateCausalLMInitialLoss on the validation grid', () => {
  const results: GridResult[] = [];

  it.each(GRID.map((point, index) => [point.label, point, index] as const))(
    '%s: within 0.10 nats of the measured loss',
    (_label, point, index) => {
      const result = measureGridPoint(point, index);
      results.push(result);
      expect(
        Math.abs(result.estimated - result.measured),
        `measured ${result.measured} ± ${result.standardError}, estimated ${result.estimated}`,
      ).toBeLessThan(0.1);
    },
  );

  it('has a mean error ≤ 0.03 nats, where the 2-gram estimate is off by far more', () => {
    expect(results).toHaveLength(GRID.length);
    const mean = (f: (r: GridResult) => number) =>
      results.reduce((a, r) => a + Math.abs(f(r)), 0) / results.length;
    expect(mean((r) => r.estimated - r.measured)).toBeLessThan(0.03);
    // Negative control: the head-level 2-gram figure, which ignores the trunk, fails the same
    // comparison, so the bounds above can catch a wrong residual model.
    expect(mean((r) => r.twoGram - r.measured)).toBeGreaterThan(0.5);
    expect(Math.max(...results.map((r) => Math.abs(r.twoGram - r.measured)))).toBeGreaterThan(5);
  });
});
