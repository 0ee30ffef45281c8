import { fail, positiveInteger } from './validation.js';

/**
 * The attention geometry of a model's options: `numHeads`, `numKeyValueHeads` (default
 * `numHeads`, must divide it) and `headDim` (default `hiddenSize / numHeads`, which must then
 * divide evenly). One check for the model config and the analysis options.
 * @param owner - The function named in errors.
 * @param hiddenSize - The model width `d`, already checked.
 * @param raw - The options holding the three fields.
 * @returns The resolved sizes.
 * @throws RangeError naming the bad value.
 * @internal
 */
export function resolveAttentionHeads(
  owner: string,
  hiddenSize: number,
  raw: { numHeads?: unknown; numKeyValueHeads?: unknown; headDim?: unknown },
): { numHeads: number; numKeyValueHeads: number; headDim: number } {
  const numHeads = positiveInteger(owner, 'numHeads', raw.numHeads);
  const numKeyValueHeads = positiveInteger(
    owner,
    'numKeyValueHeads',
    raw.numKeyValueHeads ?? numHeads,
  );
  if (numHeads % numKeyValueHeads !== 0)
    fail(
      owner,
      `numHeads (${numHeads}) must be divisible by numKeyValueHeads (${numKeyValueHeads})`,
    );
  if (raw.headDim === undefined && hiddenSize % numHeads !== 0)
    fail(
      owner,
      `hiddenSize (${hiddenSize}) must be divisible by numHeads (${numHeads}), or give headDim`,
    );
  const headDim = positiveInteger(owner, 'headDim', raw.headDim ?? hiddenSize / numHeads);
  return { numHeads, numKeyValueHeads, headDim };
}
