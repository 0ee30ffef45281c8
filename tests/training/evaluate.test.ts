import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { evaluate, measureInitialLoss } from '../../src/index.js';
import { crossEntropyOf } from '../helpers/cross-entropy-reference.js';
import { tinyModel } from '../helpers/tiny-model.js';

describe('evaluate', () => {
  it('is the mean cross-entropy over all positions and its exp, across uneven batches', async () => {
    const model = tinyModel();
    const tokens = tf.randomUniformInt([7, 9], 0, 30, 21);
    const inputs = tf.slice(tokens, [0, 0], [7, 8]);
    const targets = tf.slice(tokens, [0, 1], [7, 8]);
    const truth = await crossEntropyOf(model.predict(inputs) as tf.Tensor, targets);
    const result = await evaluate(model, tokens, { batchSize: 3 }); // batches of 3, 3, 1 rows
    expect(Math.abs(result.loss - truth)).toBeLessThan(1e-5);
    expect(result.perplexity).toBeCloseTo(Math.exp(result.loss), 10);
    expect(result.tokens).toBe(56);
    // Nested arrays and measureInitialLoss (the same evaluation, synchronous) agree.
    const rows = tokens.arraySync() as number[][];
    expect(Math.abs((await evaluate(model, rows)).loss - truth)).toBeLessThan(1e-5);
    expect(Math.abs(measureInitialLoss(model, rows, 3) - truth)).toBeLessThan(1e-5);
  });

  it('leaks no tensor', async () => {
    const model = tinyModel();
    const rows = Array.from({ length: 3 }, () => Array.from({ length: 5 }, (_, i) => i));
    await evaluate(model, rows);
    const before = tf.memory().numTensors;
    await evaluate(model, rows, { batchSize: 2 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects ragged, short or mistyped tokens by name', async () => {
    const model = tinyModel();
    await expect(
      evaluate(model, [
        [1, 2, 3],
        [1, 2],
      ]),
    ).rejects.toThrow(/\[evaluate\] all rows must have length 3; row 1 has 2/);
    await expect(evaluate(model, [[1]])).rejects.toThrow(/at least 2 tokens/);
    await expect(evaluate(model, tf.zeros([2, 4]))).rejects.toThrow(
      /int32 \[rows, seq \+ 1\] tensor, got float32/,
    );
    await expect(evaluate(model, [[1, 2]], { batchSize: 0 })).rejects.toThrow(
      /batchSize must be a positive integer/,
    );
  });
});
