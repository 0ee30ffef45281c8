import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', analysis: 'src/analysis/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // tfjs is a peer: bundling it would give users two copies and two registries of layers.
  external: [/^@tensorflow\//],
});
