import { fail } from '../analysis/validation.js';

/**
 * Checks a safetensors tensor's shape, read or about to be written: an array of non-negative
 * safe integers (`[]` is a scalar). One check for the reader, the writer and the layout.
 * @param owner - The function named in the error.
 * @param name - The tensor's name.
 * @param shape - The value to check.
 * @param show - How the caller prints a bad value.
 * @throws RangeError naming the tensor and the bad shape.
 * @internal
 */
export function checkSafetensorsShape(
  owner: string,
  name: string,
  shape: unknown,
  show: (value: unknown) => string,
): asserts shape is number[] {
  if (
    !Array.isArray(shape) ||
    !shape.every((v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)
  ) {
    fail(
      owner,
      `tensor ${show(name)}: shape must be an array of non-negative integers, got ${show(shape)}`,
    );
  }
}
