import { describe, expect, it } from 'vitest';
import { transpose2d } from '../../src/backend/transpose-2d.js';

/** The definition, element by element: out[c][r] = in[r][c]. */
function naive(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c] as number;
  return out;
}

const counting = (n: number) => Float32Array.from({ length: n }, (_, i) => i + 0.5);

describe('transpose2d', () => {
  it('matches the definition on shapes around the block and unroll edges', () => {
    for (const [rows, cols] of [
      [1, 1],
      [1, 7],
      [7, 1],
      [3, 5],
      [4, 4],
      [5, 9],
      [255, 3],
      [256, 256],
      [257, 258],
      [600, 31],
      [31, 600],
    ] as const) {
      const data = counting(rows * cols);
      expect(Array.from(transpose2d(data, rows, cols)), `${rows}x${cols}`).toEqual(
        Array.from(naive(data, rows, cols)),
      );
    }
  });

  it('writes into a given view and nowhere else', () => {
    const data = counting(6 * 5);
    const buffer = new Float32Array(40).fill(-1);
    const out = transpose2d(data, 6, 5, buffer.subarray(3, 33));
    expect(out.byteOffset).toBe(12);
    expect(Array.from(buffer.subarray(3, 33))).toEqual(Array.from(naive(data, 6, 5)));
    expect([...buffer.subarray(0, 3), ...buffer.subarray(33)]).toEqual(Array(10).fill(-1));
  });

  it('transposing twice is the identity (negative control: a wrong shape is not)', () => {
    const data = counting(12 * 7);
    expect(Array.from(transpose2d(transpose2d(data, 12, 7), 7, 12))).toEqual(Array.from(data));
    expect(Array.from(transpose2d(transpose2d(data, 12, 7), 12, 7))).not.toEqual(Array.from(data));
  });
});
