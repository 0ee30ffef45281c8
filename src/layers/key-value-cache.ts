import * as tf from '@tensorflow/tfjs';
import { fail, positiveInteger } from '../analysis/validation.js';

/**
 * Options of {@link KeyValueCache}.
 *
 * @example
 * ```ts
 * import type { KeyValueCacheArgs } from 'tiedformer';
 * const args: KeyValueCacheArgs = { capacity: 1024 };
 * ```
 */
export interface KeyValueCacheArgs {
  /** Positions the cache can hold before it must {@link KeyValueCache.grow | grow}. */
  capacity: number;
  /**
   * Buffers hold exactly the positions written (one concatenation per append) instead of
   * `capacity` zero-padded ones: less memory traffic on cpu and wasm, but a new shape every
   * step (GPU backends would compile new shaders). Default `false`.
   */
  exact?: boolean;
}

/**
 * The keys and values one causal {@link MultiHeadAttention} layer has computed so far, so a
 * decoding step projects only the new token instead of the whole context.
 *
 * Keys are stored transposed, `[batch, K, headDim, capacity]`, and values as
 * `[batch, K, capacity, headDim]`, with `K = numKeyValueHeads` (a grouped-query layer caches
 * `K`, not `numHeads`, heads). Memory: `2 · batch · K · headDim · capacity · 4` bytes, fixed
 * until {@link grow}; the buffers keep one shape between growths, so GPU backends compile
 * each step's shaders once. Positions are appended in order, each written exactly once:
 * unwritten entries hold zeros, and appending adds the new entries onto them. With
 * `exact: true` the buffers hold only the `length` positions written (`capacity` then only
 * bounds them), so attention reads no padding.
 * {@link dispose} frees the buffers.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { KeyValueCache } from 'tiedformer';
 * const cache = new KeyValueCache({ capacity: 8 });
 * const k = tf.randomNormal([1, 2, 3, 4]); // [batch, K, seq, headDim]
 * const [keys, values] = cache.append(k, k); // [1, 2, 4, 8], [1, 2, 8, 4]
 * cache.length; // 3
 * cache.dispose();
 * ```
 */
export class KeyValueCache {
  private keyBuffer: tf.Tensor | null = null;
  private valueBuffer: tf.Tensor | null = null;
  private size = 0;
  private room: number;
  /** Whether the buffers hold exactly the written positions (see {@link KeyValueCacheArgs.exact}). */
  readonly exact: boolean;

  /**
   * @param args - The initial capacity.
   * @throws RangeError if `capacity` is not a positive integer.
   */
  constructor(args: KeyValueCacheArgs) {
    this.room = positiveInteger('KeyValueCache', 'capacity', args?.capacity);
    this.exact = args.exact ?? false;
    if (typeof this.exact !== 'boolean')
      fail('KeyValueCache', `exact must be true or false, got ${String(this.exact)}`);
  }

  /**
   * Key length attention sees once `seq` more positions are appended: `capacity`, or the
   * new length when `exact`.
   *
   * @param seq - Positions about to be appended.
   * @returns The last dimension of the key buffer after the append.
   */
  keyLength(seq: number): number {
    return this.exact ? this.size + seq : this.room;
  }

  /** Positions written so far. */
  get length(): number {
    return this.size;
  }

  /** Positions the buffers hold. */
  get capacity(): number {
    return this.room;
  }

  /** Bytes held by the buffers (0 before the first append). */
  get bytes(): number {
    return ((this.keyBuffer?.size ?? 0) + (this.valueBuffer?.size ?? 0)) * 4;
  }

  /**
   * Appends the keys and values of `seq` new positions and returns the whole buffers (owned
   * by the cache: do not dispose them).
   *
   * @param keys - `[batch, K, seq, headDim]`.
   * @param values - `[batch, K, seq, headDim]`.
   * @returns `[keys [batch, K, headDim, L], values [batch, K, L, headDim]]`, `L` =
   *   `capacity` (or the new length when `exact`).
   * @throws RangeError if the cache is full, was disposed, or the shapes change.
   */
  append(keys: tf.Tensor, values: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const [batch, heads, seq, headDim] = keys.shape as [number, number, number, number];
    if (keys.rank !== 4 || values.shape.join() !== keys.shape.join()) {
      fail(
        'KeyValueCache',
        `keys and values must be one [batch, K, seq, headDim] shape, got [${keys.shape}] and [${values.shape}]`,
      );
    }
    if (this.room === 0) fail('KeyValueCache', 'the cache was disposed');
    if (this.size + seq > this.room) {
      fail(
        'KeyValueCache',
        `appending ${seq} positions to ${this.size} exceeds the capacity ${this.room}; grow() it first`,
      );
    }
    const held = this.keyBuffer?.shape;
    if (held && (held[0] !== batch || held[1] !== heads || held[2] !== headDim)) {
      fail(
        'KeyValueCache',
        `the cache holds [batch, K, headDim] = [${held.slice(0, 3)}], got [${batch}, ${heads}, ${headDim}]`,
      );
    }
    const after = this.room - this.size - seq;
    const [newKeys, newValues] = tf.tidy(() => {
      if (this.exact) {
        const k = tf.transpose(keys, [0, 1, 3, 2]); // [B, K, hd, seq]
        return [
          tf.keep(this.keyBuffer ? tf.concat([this.keyBuffer, k], 3) : k),
          tf.keep(this.valueBuffer ? tf.concat([this.valueBuffer, values], 2) : tf.clone(values)),
        ];
      }
      // Zero-padded to the capacity, at [size, size + seq): added onto entries still zero.
      const k = tf.pad(tf.transpose(keys, [0, 1, 3, 2]), [
        [0, 0],
        [0, 0],
        [0, 0],
        [this.size, after],
      ]);
      const v = tf.pad(values, [
        [0, 0],
        [0, 0],
        [this.size, after],
        [0, 0],
      ]);
      return [
        tf.keep(this.keyBuffer ? tf.add(this.keyBuffer, k) : k),
        tf.keep(this.valueBuffer ? tf.add(this.valueBuffer, v) : v),
      ];
    });
    this.keyBuffer?.dispose();
    this.valueBuffer?.dispose();
    this.keyBuffer = newKeys;
    this.valueBuffer = newValues;
    this.size += seq;
    return [newKeys, newValues];
  }

  /**
   * Enlarges the buffers to `capacity` positions (one copy); a smaller capacity is a no-op.
   *
   * @param capacity - The new capacity.
   * @throws RangeError if `capacity` is not a positive integer.
   */
  grow(capacity: number): void {
    positiveInteger('KeyValueCache', 'capacity', capacity);
    if (capacity <= this.room) return;
    const extra = capacity - this.room;
    if (this.keyBuffer && this.valueBuffer && !this.exact) {
      const [k, v] = [this.keyBuffer, this.valueBuffer];
      this.keyBuffer = tf.pad(k, [
        [0, 0],
        [0, 0],
        [0, 0],
        [0, extra],
      ]);
      this.valueBuffer = tf.pad(v, [
        [0, 0],
        [0, 0],
        [0, extra],
        [0, 0],
      ]);
      k.dispose();
      v.dispose();
    }
    this.room = capacity;
  }

  /** Frees the buffers; the cache cannot be used afterwards. */
  dispose(): void {
    this.keyBuffer?.dispose();
    this.valueBuffer?.dispose();
    this.keyBuffer = null;
    this.valueBuffer = null;
    this.size = 0;
    this.room = 0;
  }
}
