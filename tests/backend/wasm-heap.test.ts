import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ensureWasmKernel } from '../../src/backend/wasm-heap.js';

const copy = (inputs: tf.NamedTensorInfoMap) => inputs.x as tf.TensorInfo;

describe('ensureWasmKernel', () => {
  it('registers only while wasm is active, and a refusal elsewhere is not remembered', async () => {
    const active = tf.getBackend();
    if (active !== 'wasm') {
      expect(ensureWasmKernel('TiedformerTestKernelA', copy)).toBe(false);
      expect(tf.getKernel('TiedformerTestKernelA', 'wasm')).toBeUndefined();
      return;
    }
    await tf.setBackend('cpu');
    expect(ensureWasmKernel('TiedformerTestKernelB', copy)).toBe(false);
    await tf.setBackend('wasm');
    expect(ensureWasmKernel('TiedformerTestKernelB', copy)).toBe(true);
    expect(tf.getKernel('TiedformerTestKernelB', 'wasm')).toBeDefined();
    // A second call finds it registered instead of registering twice (tfjs would warn).
    expect(ensureWasmKernel('TiedformerTestKernelB', copy)).toBe(true);
  });
});
