import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const alias = {
  'tiedformer/analysis': fileURLToPath(new URL('./src/analysis/index.ts', import.meta.url)),
  'tiedformer/node': fileURLToPath(new URL('./src/node/index.ts', import.meta.url)),
  'tiedformer/interop': fileURLToPath(new URL('./src/interop/index.ts', import.meta.url)),
  tiedformer: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
};

// Everything runs on the pure-JS cpu backend; the TensorFlow.js suites run again on wasm.
const tfjsSuites = [
  'tests/backend/**/*.test.ts',
  'tests/init/**/*.test.ts',
  'tests/layers/**/*.test.ts',
  'tests/heads/**/*.test.ts',
  'tests/models/**/*.test.ts',
  'tests/generation/**/*.test.ts',
  'tests/diagnostics/**/*.test.ts',
  'tests/node/**/*.test.ts',
  'tests/interop/from-hugging-face.test.ts',
  'tests/interop/to-hugging-face.test.ts',
  'tests/training/**/*.test.ts',
  'tests/fuzz/**/*.test.ts',
];

export default defineConfig({
  resolve: { alias },
  test: {
    testTimeout: 120_000,
    setupFiles: ['tests/setup-backend.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'cpu', include: ['tests/**/*.test.ts'], env: { TIEDFORMER_BACKEND: 'cpu' } },
      },
      {
        extends: true,
        test: { name: 'wasm', include: tfjsSuites, env: { TIEDFORMER_BACKEND: 'wasm' } },
      },
    ],
  },
});
