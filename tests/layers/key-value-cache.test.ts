import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { KeyValueCache } from '../../src/layers/key-value-cache.js';

describe('KeyValueCache', () => {
  it('appends positions in order into zero-padded, transposed key buffers', async () => {
    const cache = new KeyValueCache({ capacity: 4 });
    const k1 = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 1, 2, 3]); // 2 positions, headDim 3
    const v1 = tf.mul(k1, 10);
    cache.append(k1, v1);
    const [keys, values] = cache.append(
      tf.tensor4d([7, 8, 9], [1, 1, 1, 3]),
      tf.tensor4d([70, 80, 90], [1, 1, 1, 3]),
    );
    expect(cache.length).toBe(3);
    expect(keys.shape).toEqual([1, 1, 3, 4]);
    expect(await keys.array()).toEqual([
      [
        [
          [1, 4, 7, 0],
          [2, 5, 8, 0],
          [3, 6, 9, 0],
        ],
      ],
    ]);
    expect(await values.array()).toEqual([
      [
        [
          [10, 20, 30],
          [40, 50, 60],
          [70, 80, 90],
          [0, 0, 0],
        ],
      ],
    ]);
    expect(cache.bytes).toBe(2 * 12 * 4);
    expect(() => cache.append(tf.zeros([1, 1, 2, 3]), tf.zeros([1, 1, 2, 3]))).toThrow(
      '[KeyValueCache] appending 2 positions to 3 exceeds the capacity 4; grow() it first',
    );
    cache.grow(6);
    expect(cache.capacity).toBe(6);
    const [grown] = cache.append(tf.ones([1, 1, 2, 3]), tf.ones([1, 1, 2, 3]));
    expect(await grown.array()).toEqual([
      [
        [
          [1, 4, 7, 1, 1, 0],
          [2, 5, 8, 1, 1, 0],
          [3, 6, 9, 1, 1, 0],
        ],
      ],
    ]);
    cache.dispose();
  });

  it('holds exactly the written positions when exact', async () => {
    const cache = new KeyValueCache({ capacity: 4, exact: true });
    expect(cache.keyLength(2)).toBe(2);
    cache.append(
      tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 1, 2, 3]),
      tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 1, 2, 3]),
    );
    const [keys, values] = cache.append(
      tf.tensor4d([7, 8, 9], [1, 1, 1, 3]),
      tf.tensor4d([7, 8, 9], [1, 1, 1, 3]),
    );
    expect(await keys.array()).toEqual([
      [
        [
          [1, 4, 7],
          [2, 5, 8],
          [3, 6, 9],
        ],
      ],
    ]);
    expect(await values.array()).toEqual([
      [
        [
          [1, 2, 3],
          [4, 5, 6],
          [7, 8, 9],
        ],
      ],
    ]);
    expect(cache.keyLength(1)).toBe(4);
    expect(() => cache.append(tf.zeros([1, 1, 2, 3]), tf.zeros([1, 1, 2, 3]))).toThrow(
      'exceeds the capacity 4',
    );
    cache.dispose();
  });

  it('frees its buffers on dispose and refuses use afterwards', () => {
    const before = tf.memory().numTensors;
    const cache = new KeyValueCache({ capacity: 8 });
    tf.tidy(() => {
      cache.append(tf.ones([2, 2, 3, 4]), tf.ones([2, 2, 3, 4]));
      cache.append(tf.ones([2, 2, 1, 4]), tf.ones([2, 2, 1, 4]));
    });
    expect(tf.memory().numTensors).toBe(before + 2);
    cache.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => cache.append(tf.ones([2, 2, 1, 4]), tf.ones([2, 2, 1, 4]))).toThrow(
      '[KeyValueCache] the cache was disposed',
    );
  });

  it('rejects bad capacities and mismatched shapes', () => {
    expect(() => new KeyValueCache({ capacity: 0 })).toThrow(
      '[KeyValueCache] capacity must be a positive integer, got 0',
    );
    const cache = new KeyValueCache({ capacity: 8 });
    expect(() => cache.append(tf.ones([1, 2, 1, 4]), tf.ones([1, 2, 1, 3]))).toThrow(
      'keys and values must be one',
    );
    cache.append(tf.ones([1, 2, 1, 4]), tf.ones([1, 2, 1, 4]));
    expect(() => cache.append(tf.ones([1, 1, 1, 4]), tf.ones([1, 1, 1, 4]))).toThrow(
      '[KeyValueCache] the cache holds [batch, K, headDim] = [1,2,4], got [1, 1, 4]',
    );
    cache.dispose();
  });
});
