import { describe, expect, it } from 'vitest';
import { checkSafetensorsShape } from '../../src/interop/check-safetensors-shape.js';

const show = (value: unknown) => JSON.stringify(value);

describe('checkSafetensorsShape', () => {
  it('accepts arrays of non-negative safe integers, the scalar [] included', () => {
    for (const shape of [[], [0], [3, 4], [2 ** 40]])
      expect(() => checkSafetensorsShape('f', 't', shape, show)).not.toThrow();
  });

  it('names the owner, the tensor and the bad shape', () => {
    for (const shape of [[-1], [1.5], ['2'], 3, null, [2 ** 53]])
      expect(() => checkSafetensorsShape('readSafetensors', 'w', shape, show)).toThrow(
        `[readSafetensors] tensor "w": shape must be an array of non-negative integers, got ${show(shape)}`,
      );
  });
});
