/**
 * Orthonormalises the rows of `a` ([rows, cols], rows ≤ cols, row-major) in place by modified
 * Gram–Schmidt, run twice per row for float64 stability. On a Gaussian matrix this is the Q of
 * an LQ decomposition with a positive diagonal, hence Haar-distributed.
 * @internal
 */
export function orthonormalizeRows(a: Float64Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < r; p++) {
        const other = p * cols;
        let dot = 0;
        for (let j = 0; j < cols; j++) dot += (a[row + j] as number) * (a[other + j] as number);
        for (let j = 0; j < cols; j++)
          a[row + j] = (a[row + j] as number) - dot * (a[other + j] as number);
      }
    }
    let norm = 0;
    for (let j = 0; j < cols; j++) norm += (a[row + j] as number) ** 2;
    norm = Math.sqrt(norm);
    for (let j = 0; j < cols; j++) a[row + j] = (a[row + j] as number) / norm;
  }
}
