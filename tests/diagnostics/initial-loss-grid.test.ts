import { describe, expect, it } from 'vitest';
import {
  cpuSubset,
  GRID,
  type GridResult,
  measureGridPoint,
} from '../../scripts/initial-loss-grid.js';

// estimateCausalLMInitialLoss against real createCausalLM models measured with
// measureInitialLoss (the grid and its budget: scripts/initial-loss-grid.ts). The reference is
// the model itself, so nothing here is a pasted golden value. Bounds of issue #14: every point
// within 0.10 nats, the mean within 0.03. The pure-JS cpu backend is 20–30× slower than wasm,
// so it runs the grid's cheap points only; the wasm project runs all of them.
const points =
  (process.env.TIEDFORMER_BACKEND ?? 'cpu') === 'cpu'
    ? cpuSubset(GRID).map((point) => [point, GRID.indexOf(point)] as const)
    : GRID.map((point, index) => [point, index] as const);

describe('estimateCausalLMInitialLoss on the validation grid', () => {
  const results: GridResult[] = [];

  it.each(points.map(([point, index]) => [point.label, point, index] as const))(
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
    expect(results).toHaveLength(points.length);
    const meanError = (rs: GridResult[], f: (r: GridResult) => number) =>
      rs.reduce((a, r) => a + Math.abs(f(r) - r.measured), 0) / rs.length;
    expect(meanError(results, (r) => r.estimated)).toBeLessThan(0.03);
    // Negative control: the head-level 2-gram figure ignores the trunk. On the tied points it
    // fails the same comparison, so the bounds above can catch a wrong residual model.
    const tied = results.filter((r) => r.point.options.head === 'tied');
    expect(meanError(tied, (r) => r.twoGram)).toBeGreaterThan(0.3);
    expect(Math.max(...tied.map((r) => Math.abs(r.twoGram - r.measured)))).toBeGreaterThan(0.5);
  });
});
