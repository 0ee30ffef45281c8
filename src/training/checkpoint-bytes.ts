import { fail } from '../analysis/validation.js';
import type { Checkpoint } from './checkpoint.js';

/**
 * A checkpoint as one byte array: a little-endian uint32 header length, a UTF-8 JSON header
 * (everything but the tensor bytes), the weight bytes, then the optimizer-state bytes.
 *
 * @param checkpoint - What {@link createCheckpoint} returned.
 * @returns The bytes (store them anywhere: a file, IndexedDB, a fetch body).
 * @example
 * ```ts
 * import { AdamW, checkpointFromBytes, checkpointToBytes, createCausalLM, createCheckpoint } from 'tiedformer';
 * const model = createCausalLM({ vocabSize: 100, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, head: 'tied' });
 * const bytes = checkpointToBytes(await createCheckpoint(model, new AdamW()));
 * const checkpoint = checkpointFromBytes(bytes);
 * ```
 */
export function checkpointToBytes(checkpoint: Checkpoint): Uint8Array {
  const { weights, optimizer, ...rest } = checkpoint;
  const header = new TextEncoder().encode(
    JSON.stringify({
      ...rest,
      weights: { specs: weights.specs, bytes: weights.data.byteLength },
      optimizer: {
        className: optimizer.className,
        config: optimizer.config,
        state: { specs: optimizer.state.specs, bytes: optimizer.state.data.byteLength },
      },
    }),
  );
  const out = new Uint8Array(
    4 + header.length + weights.data.byteLength + optimizer.state.data.byteLength,
  );
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  out.set(new Uint8Array(weights.data), 4 + header.length);
  out.set(new Uint8Array(optimizer.state.data), 4 + header.length + weights.data.byteLength);
  return out;
}

/**
 * Reads what {@link checkpointToBytes} wrote.
 * @param bytes - The checkpoint's bytes.
 * @returns The checkpoint.
 * @throws RangeError if the bytes are truncated or not a tiedformer checkpoint.
 * @example
 * ```ts
 * import { checkpointFromBytes } from 'tiedformer';
 * declare const bytes: Uint8Array;
 * const { step, metadata } = checkpointFromBytes(bytes);
 * ```
 */
export function checkpointFromBytes(bytes: Uint8Array): Checkpoint {
  const owner = 'checkpointFromBytes';
  if (!(bytes instanceof Uint8Array) || bytes.length < 4) fail(owner, 'expected checkpoint bytes');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true);
  if (4 + headerLength > bytes.length) fail(owner, `header of ${headerLength} bytes is truncated`);
  let header: {
    format: string;
    step: number;
    metadata: Record<string, unknown>;
    weights: { specs: Checkpoint['weights']['specs']; bytes: number };
    optimizer: {
      className: string;
      config: Checkpoint['optimizer']['config'];
      state: { specs: Checkpoint['weights']['specs']; bytes: number };
    };
  };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength)));
  } catch {
    fail(owner, 'the header is not JSON: not a tiedformer checkpoint');
  }
  if (header.format !== 'tiedformer-checkpoint/1')
    fail(owner, `not a tiedformer checkpoint (format ${String(header.format)})`);
  const start = 4 + headerLength;
  const middle = start + header.weights.bytes;
  const end = middle + header.optimizer.state.bytes;
  if (end !== bytes.length) fail(owner, `expected ${end} bytes, got ${bytes.length}`);
  // slice copies into fresh, aligned ArrayBuffers.
  return {
    format: 'tiedformer-checkpoint/1',
    step: header.step,
    metadata: header.metadata,
    weights: { specs: header.weights.specs, data: bytes.slice(start, middle).buffer },
    optimizer: {
      className: header.optimizer.className,
      config: header.optimizer.config,
      state: { specs: header.optimizer.state.specs, data: bytes.slice(middle, end).buffer },
    },
  };
}
