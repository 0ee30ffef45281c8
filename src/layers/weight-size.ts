import { fail } from '../analysis/validation.js';

/**
 * Largest number of elements tiedformer lets one weight have: 2^28 float32 values (1 GiB).
 * The wasm backend's whole heap is 4 GiB at most, and tfjs' cpu backend dies with a cryptic
 * `Invalid typed array length` (or runs out of memory) well before 2^32; one weight past this
 * size is almost always a typo (`hiddenSize: 1e10`), so it is refused before anything is
 * allocated.
 * @internal
 */
export const MAX_WEIGHT_ELEMENTS = 2 ** 28;

/**
 * Fails, naming `owner`, the weight and its shape, if a weight of `shape` would hold more than
 * {@link MAX_WEIGHT_ELEMENTS} values.
 * @internal
 */
export function checkWeightSize(owner: string, name: string, shape: readonly number[]): void {
  const elements = shape.reduce((n, s) => n * s, 1);
  if (!(elements <= MAX_WEIGHT_ELEMENTS)) {
    fail(
      owner,
      `${name} [${shape.join(', ')}] would hold ${elements} values, more than the ${MAX_WEIGHT_ELEMENTS} (1 GiB of float32) one weight may have`,
    );
  }
}
