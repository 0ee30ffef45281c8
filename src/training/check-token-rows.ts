import { fail } from '../analysis/validation.js';

/**
 * Checks token rows given as nested arrays: at least one row, all of one length.
 * @param owner - The function named in the error.
 * @param tokens - The rows, `[rows][seq + 1]`.
 * @returns The row length.
 * @throws RangeError naming the owner and the first ragged row.
 * @internal
 */
export function checkTokenRows(owner: string, tokens: number[][]): number {
  if (!Array.isArray(tokens) || tokens.length === 0)
    fail(owner, 'tokens must hold at least one row');
  const length = tokens[0]?.length ?? 0;
  tokens.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== length)
      fail(
        owner,
        `all rows must have length ${length}; row ${i} has ${Array.isArray(row) ? row.length : 'none'}`,
      );
  });
  return length;
}
