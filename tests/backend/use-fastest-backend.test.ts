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

describe('useFastestBackend in a browser', () => {
  // A stand-in GPU backend: the running backend's kernels registered under another name, as a
  // page that imported @tensorflow/tfjs (webgl) would have it.
  const active = process.env.TIEDFORMER_BACKEND ?? 'cpu';
  const registerAs = (name: string) => {
    if (tf.findBackendFactory(name)) return;
    tf.registerBackend(name, () => tf.findBackend(active) as tf.KernelBackend);
    for (const kernel of tf.getKernelsForBackend(active))
      tf.registerKernel({ ...kernel, backendName: name });
  };
  afterAll(async () => {
    tf.env().set('IS_BROWSER', false);
    // Not removed: removing would dispose the backend instance it shares with `active`.
    await tf.setBackend(active);
  });

  it('prefers the registered GPU backend, skips unregistered ones without importing them', async () => {
    tf.env().set('IS_BROWSER', true);
    registerAs('webgl');
    // webgpu is not registered (its package is not imported here): skipped, not imported.
    expect(await useFastestBackend()).toBe('webgl');
    expect(tf.getBackend()).toBe('webgl');
  });

  it('never falls back to importing by name in a browser', async () => {
    tf.env().set('IS_BROWSER', true);
    await expect(useFastestBackend({ candidates: ['tensorflow', 'webgpu'] })).rejects.toThrow(
      '[useFastestBackend] none of the backends tensorflow, webgpu could be initialised',
    );
  });
});
