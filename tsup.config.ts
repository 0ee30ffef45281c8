import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    analysis: 'src/analysis/index.ts',
    node: 'src/node/index.ts',
    // The replica script DataParallelTrainer starts in each worker thread, next to the entries.
    'data-parallel-worker': 'src/node/data-parallel-worker.ts',
  },
  format: ['esm', 'cjs'],
  // One copy of each shared module (layers, their class registry) across the entries in both
  // formats: a model made from the root must be what tiedformer/node's functions receive.
  splitting: true,
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // import.meta.url in the CommonJS build: DataParallelTrainer finds its worker script by it.
  shims: true,
  // tfjs is a peer: bundling it would give users two copies and two registries of layers.
  external: [/^@tensorflow\//],
});
