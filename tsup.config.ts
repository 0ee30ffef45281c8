import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'tsup';
import { stdlibSlim } from './scripts/stdlib-slim.js';

/** Top-level side effects our modules have: registering a class with tfjs' serialization. */
const REGISTRATION = /\bserialization\.registerClass\(/;

/**
 * esbuild names every shared chunk `chunk-<hash>`, so `sideEffects` cannot tell a chunk that
 * registers layers (must be kept) from a pure one (analysis code, droppable). After the build,
 * chunks that register classes are renamed `registered-<hash>` and every reference to them
 * (imports, requires, source-map links) is rewritten, so the `sideEffects` globs in
 * package.json are exact. `scripts/check-dist.mjs` verifies the result.
 */
function nameRegisteringChunks(dir: string): void {
  const files = readdirSync(dir);
  const renames = new Map<string, string>();
  for (const file of files) {
    if (
      /^chunk-[A-Z0-9]+\.c?js$/.test(file) &&
      REGISTRATION.test(readFileSync(join(dir, file), 'utf8'))
    ) {
      renames.set(file, file.replace(/^chunk-/, 'registered-'));
    }
  }
  if (renames.size === 0) return;
  for (const file of files) {
    if (!/\.(c?js|map)$/.test(file)) continue;
    const path = join(dir, file);
    const before = readFileSync(path, 'utf8');
    let after = before;
    for (const [from, to] of renames) after = after.split(from).join(to);
    if (after !== before) writeFileSync(path, after);
  }
  for (const [from, to] of renames) {
    renameSync(join(dir, from), join(dir, to));
    renameSync(join(dir, `${from}.map`), join(dir, `${to}.map`));
  }
}

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    analysis: 'src/analysis/index.ts',
    node: 'src/node/index.ts',
    interop: 'src/interop/index.ts',
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
  // The @stdlib special functions (gammaln, erfc, erfinv) of tiedformer/analysis are bundled into
  // dist/ (stdlib is a devDependency): scripts/stdlib-slim.ts maps the modules that exist only
  // for engines without typed arrays to their built-in values, replaces the per-file licence
  // headers by one comment pointing to THIRD_PARTY_NOTICES.md and rewrites stdlib's CommonJS to
  // ESM (tiedformer/analysis 89.8 -> 44.1 KB minified; 57.6 KB with `esm: false`).
  noExternal: [/^@stdlib\//],
  esbuildPlugins: [stdlibSlim({ esm: true })],
  esbuildOptions(options, { format }) {
    // tsup injects its ESM shims (__dirname/__filename from `path` and `url`) into every module;
    // no module of ours uses them, and once the bundle holds CommonJS files (stdlib's) esbuild
    // can no longer drop the injected `import path from "path"`, which breaks browser bundlers.
    if (format === 'esm') options.inject = options.inject?.filter((f) => !/esm_shims/.test(f));
  },
  async onSuccess() {
    nameRegisteringChunks('dist');
  },
});
