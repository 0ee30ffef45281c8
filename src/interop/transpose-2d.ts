/**
 * Transposes a row-major `[rows, cols]` matrix into a new `[cols, rows]` array, in square
 * tiles so that reads and writes both stay in cache (the naive loop strides through memory
 * on one side and is several times slower on large matrices).
 * @internal
 */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  const tile = 32;
  for (let r0 = 0; r0 < rows; r0 += tile) {
    const r1 = Math.min(r0 + tile, rows);
    for (let c0 = 0; c0 < cols; c0 += tile) {
      const c1 = Math.min(c0 + tile, cols);
      for (let r = r0; r < r1; r++) {
        const src = r * cols;
        for (let c = c0; c < c1; c++) out[c * rows + r] = data[src + c] as number;
      }
    }
  }
  return out;
}
