import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idRangeGuard } from '../../src/backend/id-range-guard.js';

describe('idRangeGuard', () => {
  it('throws a named error for an id out of range where gather checks (cpu, wasm), without a leak', () => {
    const before = tf.memory().numTensors;
    const bad = tf.tensor2d([[1, 7]], [1, 2], 'int32');
    expect(() => idRangeGuard('Owner', 'token id', bad, 7)).toThrow(
      '[Owner] token id 7 is outside [0, 7)',
    );
    const negative = tf.tensor1d([0, -3], 'int32');
    expect(() => idRangeGuard('Owner', 'label', negative, 7)).toThrow(
      '[Owner] label -3 is outside [0, 7)',
    );
    const good = tf.tensor1d([0, 6], 'int32');
    expect(idRangeGuard('Owner', 'label', good, 7)).toBeUndefined();
    tf.dispose([bad, negative, good]);
    expect(tf.memory().numTensors).toBe(before);
  });

  describe('on a backend whose gather cannot throw', () => {
    // A copy of the running backend's kernels under another name: the guard must not rely on
    // the kernel there and return the NaN poison instead.
    const active = () => process.env.TIEDFORMER_BACKEND ?? 'cpu';
    beforeAll(async () => {
      const source = active();
      const name = `${source}-as-gpu`;
      if (!tf.findBackend(name)) {
        tf.registerBackend(name, () => tf.findBackend(source) as tf.KernelBackend);
        for (const kernel of tf.getKernelsForBackend(source))
          tf.registerKernel({ ...kernel, backendName: name });
      }
      await tf.setBackend(name);
    });
    afterAll(async () => {
      await tf.setBackend(active());
    });

    it('returns 0 where ids are valid and NaN where they are not', () => {
      const ids = tf.tensor2d([[0, 7, 3, -1]], [1, 4], 'int32');
      const poison = idRangeGuard('Owner', 'token id', ids, 7) as tf.Tensor;
      expect(poison.shape).toEqual([1, 4]);
      expect(Array.from(poison.dataSync())).toEqual([0, Number.NaN, 0, Number.NaN]);
      tf.dispose([ids, poison]);
    });
  });
});
