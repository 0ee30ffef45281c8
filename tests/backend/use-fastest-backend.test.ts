import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { useFastestBackend } from '../../src/backend/use-fastest-backend.js';

const original = process.env.TIEDFORMER_BACKEND ?? 'cpu';

afterAll(async () => {
  await tf.setBackend(original);
});

describe('useFastestBackend', () => {
  it('skips tfjs-node when it is not installed and picks wasm', async () => {
    // CI never installs @tensorflow/tfjs-node; the wasm backend ships inside its npm package.
    await expect(
      import(/* @vite-ignore */ ['@tensorflow', 'tfjs-node'].join('/')),
    ).rejects.toThrow();
    expect(await useFastestBackend()).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('honours the candidate list', async () => {
    expect(await useFastestBackend({ candidates: ['tensorflow', 'cpu'] })).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('throws only when no candidate can start', async () => {
    await expect(useFastestBackend({ candidates: ['tensorflow'] })).rejects.toThrow(
      '[useFastestBackend] none of the backends tensorflow could be initialised',
    );
  });
});
