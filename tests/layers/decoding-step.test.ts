import { describe, expect, it } from 'vitest';
import { decodingStep } from '../../src/layers/decoding-step.js';

describe('decodingStep', () => {
  it('masks causally and skips each row’s left padding; positions start at the first real token', async () => {
    const prefill = decodingStep({ start: 0, seq: 3, capacity: 4, leftPadding: [0, 2] });
    expect(Array.from(prefill.positions)).toEqual([0, 1, 2, 0, 0, 0]);
    expect(await prefill.allowed.array()).toEqual([
      [
        [
          [1, 0, 0, 0],
          [1, 1, 0, 0],
          [1, 1, 1, 0],
        ],
      ],
      [
        [
          [0, 0, 0, 0],
          [0, 0, 0, 0],
          [0, 0, 1, 0],
        ],
      ],
    ]);
    const step = decodingStep({ start: 3, seq: 1, capacity: 4, leftPadding: [0, 2] });
    expect(Array.from(step.positions)).toEqual([3, 1]);
    expect(await step.allowed.array()).toEqual([[[[1, 1, 1, 1]]], [[[0, 0, 1, 1]]]]);
    prefill.allowed.dispose();
    step.allowed.dispose();
  });

  it('rejects a step past the capacity and bad padding', () => {
    expect(() => decodingStep({ start: 3, seq: 2, capacity: 4, leftPadding: [0] })).toThrow(
      '[decodingStep] start (3) + seq (2) exceeds the capacity 4',
    );
    expect(() => decodingStep({ start: 0, seq: 1, capacity: 4, leftPadding: [] })).toThrow(
      '[decodingStep] leftPadding must be a non-empty array',
    );
    expect(() => decodingStep({ start: 0, seq: 1, capacity: 4, leftPadding: [-1] })).toThrow(
      '[decodingStep] leftPadding[0] must be a non-negative integer, got -1',
    );
  });
});
