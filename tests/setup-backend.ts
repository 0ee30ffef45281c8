// Selects the TensorFlow.js backend for a test project: TIEDFORMER_BACKEND=cpu (default) or wasm.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll } from 'vitest';

const backend = process.env.TIEDFORMER_BACKEND ?? 'cpu';

beforeAll(async () => {
  if (!(await tf.setBackend(backend)))
    throw new Error(`backend ${backend} could not be initialised`);
  await tf.ready();
  if (tf.getBackend() !== backend)
    throw new Error(`expected backend ${backend}, got ${tf.getBackend()}`);
});
