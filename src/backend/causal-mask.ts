import * as tf from '@tensorflow/tfjs';
import { fail } from '../analysis/validation.js';

/** Masks kept, most recently used last; a few lengths cover training and evaluation. */
const cache = new Map<string, tf.Tensor>();
const CACHE_SIZE = 4;

/**
 * The causal mask `[1, 1, seq, seq]` (1 where key ≤ query, else 0), built once per length and
 * backend and shared by every attention layer and call, instead of an `[S, S]` ones matrix and
 * its band part rebuilt in each layer on each call. The tensor is kept (outside any tidy):
 * callers must not dispose it. At most {@link CACHE_SIZE} lengths are kept; the least recently
 * used is disposed when a new one is needed.
 * @internal
 */
export function causalMask(seq: number): tf.Tensor {
  const key = `${tf.getBackend()}:${seq}`;
  const hit = cache.get(key);
  if (hit && !hit.isDisposed) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const mask = tf.keep(
    tf.tidy(() => tf.reshape(tf.linalg.bandPart(tf.ones([seq, seq]), -1, 0), [1, 1, seq, seq])),
  );
  cache.set(key, mask);
  while (cache.size > CACHE_SIZE) {
    const [oldest, tensor] = cache.entries().next().value as [string, tf.Tensor];
    cache.delete(oldest);
    tensor.dispose();
  }
  return mask;
}

/**
 * Disposes every kept causal mask (they are rebuilt on demand). For leak checks that count
 * tensors around calls at new lengths, and for freeing memory after very long sequences.
 * @internal
 */
export function clearCausalMasks(): void {
  for (const tensor of cache.values()) tensor.dispose();
  cache.clear();
}

/**
 * Most values one `[batch, heads, seq, seq]` attention tensor may hold: the forward pass keeps
 * several of them alive at once (scores, masked scores, probabilities) and the backward pass
 * more. On wasm the whole heap is at most 4 GiB and running past it corrupts the backend for the
 * rest of the process (`memory access out of bounds`, then wrong products): 2^26 values
 * (256 MiB) each. On the other backends 2^28 (1 GiB).
 * @internal
 */
export function maxAttentionValues(): number {
  return tf.getBackend() === 'wasm' ? 2 ** 26 : 2 ** 28;
}

/**
 * Fails, naming `owner`, before an attention whose score tensor `[batch, heads, seq, seq]` would
 * exceed {@link maxAttentionValues}.
 * @internal
 */
export function checkAttentionSize(owner: string, batch: number, heads: number, seq: number): void {
  const values = batch * heads * seq * seq;
  const limit = maxAttentionValues();
  if (values > limit) {
    fail(
      owner,
      `attention scores [${batch}, ${heads}, ${seq}, ${seq}] would hold ${values} values, more than the ${limit} the ${tf.getBackend()} backend can hold safely (the pass keeps several such tensors); use shorter sequences or a smaller batch`,
    );
  }
}
