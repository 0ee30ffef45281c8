import * as tf from '@tensorflow/tfjs';
import { InitializerBase } from '../init/initializer-base.js';

let active = 0;
/** The zeros every weight built under {@link withZeroInit} views (grown on demand). */
let shared: Float32Array | undefined;

/**
 * Runs `build` with every tiedformer weight created as zeros instead of drawn from its
 * initializer: for models whose weights are about to be overwritten (a checkpoint import),
 * where drawing 135M normal samples would take longer than reading the file.
 * The zeros are views of ONE shared array (tfjs never writes into a tensor's values, and
 * every such weight is replaced by `write`), so building a 135M-parameter model allocates
 * one array of its largest weight instead of 0.5 GiB of fresh zeros (which measured
 * ~170 ms per import, and as much again in garbage collection).
 * Synchronous, so no other model can be built while it is active.
 * @internal
 */
export function withZeroInit<T>(build: () => T): T {
  active++;
  try {
    return build();
  } finally {
    active--;
    if (active === 0) shared = undefined; // the weights keep their views until replaced
  }
}

/** Whether {@link withZeroInit} is running. @internal */
export function zeroInitActive(): boolean {
  return active > 0;
}

class SharedZeros extends InitializerBase {
  static readonly className = 'SharedZeros';
  override apply(shape: tf.Shape, dtype?: tf.DataType): tf.Tensor {
    if (dtype !== undefined && dtype !== 'float32') return tf.zeros(shape as number[], dtype);
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (!shared || shared.length < size) shared = new Float32Array(size);
    return tf.tensor(shared.subarray(0, size), shape as number[], 'float32');
  }
  override getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}

/** The initializer of weights built under {@link withZeroInit}. @internal */
export function zeroInitializer(): InstanceType<typeof InitializerBase> {
  return new SharedZeros();
}
