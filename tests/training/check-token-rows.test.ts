import { describe, expect, it } from 'vitest';
import { checkTokenRows } from '../../src/training/check-token-rows.js';

describe('checkTokenRows', () => {
  it('returns the length of rectangular rows', () => {
    expect(checkTokenRows('f', [[1, 2, 3]])).toBe(3);
    expect(checkTokenRows('f', [[1], [2]])).toBe(1);
  });

  it('names the owner, the empty batch and the first ragged row', () => {
    expect(() => checkTokenRows('evaluate', [])).toThrow(
      '[evaluate] tokens must hold at least one row',
    );
    expect(() => checkTokenRows('evaluate', [[1, 2], [3], [4]])).toThrow(
      '[evaluate] all rows must have length 2; row 1 has 1',
    );
    expect(() => checkTokenRows('evaluate', [[1], 2 as unknown as number[]])).toThrow(
      '[evaluate] all rows must have length 1; row 1 has none',
    );
  });
});
