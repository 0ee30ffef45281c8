import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { TransformerBlock } from '../../src/index.js';

describe('BaseLayer', () => {
  it('rolls back a build that fails halfway: no leaked variable, no weight kept, unbuilt', () => {
    // The norms and the attention build first; the FFN's up kernel [8, 2^26] is over the
    // 2^28-value limit, so the block's build throws after it made six weights.
    const block = new TransformerBlock({ numHeads: 2, intermediateSize: 2 ** 26 });
    const x = tf.zeros([1, 3, 8]);
    const tensors = tf.memory().numTensors;
    const variables = Object.keys(tf.engine().registeredVariables).length;
    expect(() => block.apply(x)).toThrow(/up_kernel \[8, 67108864\] would hold/);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(Object.keys(tf.engine().registeredVariables)).toHaveLength(variables);
    expect(block.weights).toHaveLength(0);
    expect(block.built).toBe(false);
    x.dispose();
  });

  it('leaves a successful build as it was', () => {
    const block = new TransformerBlock({ numHeads: 2, intermediateSize: 16 });
    const x = tf.zeros([1, 3, 8]);
    const y = block.apply(x) as tf.Tensor;
    expect(block.built).toBe(true);
    // attention: 4 kernels; FFN: up and down; two RMSNorm gains
    expect(block.weights).toHaveLength(8);
    tf.dispose([x, y, ...block.weights.map((w) => w.read())]);
  });
});
