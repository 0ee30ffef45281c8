// An esbuild plugin (used by tsup.config.ts, which bundles @stdlib into dist/) that makes the
// @stdlib special functions of tiedformer/analysis (gammaln, erfc, erfinv) lighter while keeping
// every line of their math. Measured on tiedformer/analysis (scripts/bundle-budget.mjs: every
// export used, esbuild 0.27 minify, browser): @stdlib as a dependency 89.8 KB; its prebuilt
// `dist` bundles 71.9 KB; bundled by us with steps 1-2: 57.6 KB; with 1-3: 44.1 KB.
// 1. Modules that exist only for JavaScript engines without typed arrays or a working
//    Object.defineProperty (engines TensorFlow.js cannot run in: it needs both) resolve to the
//    value they export on every engine that has them: the typed-array feature tests to
//    `() => true`, the typed-array wrappers to the built-in constructors, and
//    `@stdlib/utils-define-property` to `Object.defineProperty`. (Its polyfill was the only user
//    of `@stdlib/string-format`, so that goes too.) tests/scripts/stdlib-slim.test.ts checks
//    each value against the real package.
// 2. Each stdlib file starts with the same Apache-2.0 header (some add the FreeBSD/SunPro notice
//    of the code they port). esbuild keeps such legal comments: ~24 KB of the bundle. They are
//    dropped from the bundled files; the bundle keeps one short legal comment per function
//    pointing to THIRD_PARTY_NOTICES.md, which ships stdlib's LICENSE, NOTICE and every notice
//    of the bundled files (scripts/third-party-notices.mjs writes it; check-dist checks it).
// 3. (`esm: true`) stdlib's CommonJS files, all in one regular form, are rewritten line for
//    line to the same modules as ESM, so esbuild concatenates ~130 modules instead of wrapping
//    each in a CommonJS closure named by its path (the names survive a user's minifier).
// tests/scripts/stdlib-slim.test.ts checks that the bundled functions are bit-identical to the
// packages' own, in both forms.
import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

/** Module → the value it exports on every engine with typed arrays and Object.defineProperty. */
export const ENVIRONMENT_MODULES: Record<string, string> = {
  '@stdlib/assert-has-float64array-support': 'function () { return true; }',
  '@stdlib/assert-has-uint32array-support': 'function () { return true; }',
  '@stdlib/assert-has-uint16array-support': 'function () { return true; }',
  '@stdlib/assert-has-uint8array-support': 'function () { return true; }',
  '@stdlib/array-float64': 'Float64Array',
  '@stdlib/array-uint32': 'Uint32Array',
  '@stdlib/array-uint16': 'Uint16Array',
  '@stdlib/array-uint8': 'Uint8Array',
  '@stdlib/utils-define-property': 'Object.defineProperty',
};

/** The special functions tiedformer/analysis imports: each gets one short legal comment. */
export const ENTRY_PACKAGES = [
  '@stdlib/math-base-special-gammaln',
  '@stdlib/math-base-special-erfc',
  '@stdlib/math-base-special-erfinv',
];

/** A stdlib file's leading licence comment (`/** @license Apache-2.0 … *\/`). */
export const LICENSE_HEADER = /^\/\*\*\n\* @license Apache-2\.0\n[\s\S]*?\*\/\n/;

const REQUIRE = /^var (\w+) = require\( '([^']+)' \);$/gm;
const REQUIRE_MEMBER = /^var (\w+) = require\( '([^']+)' \)\.(\w+);$/gm;
const EXPORT = /^module\.exports = (\w+);( \/\/.*)?$/m;

/**
 * The same module as ESM, for a stdlib file in its regular CommonJS form (`var x = require( '…'
 * );` or `var x = require( '…' ).member;` at the top, `module.exports = x;` at the end); else
 * `undefined` (any other `require`, `module` or `exports` left over).
 */
export function toEsm(source: string): string | undefined {
  if (!EXPORT.test(source)) return undefined;
  const esm = source
    .replace(REQUIRE, "import $1 from '$2';")
    .replace(REQUIRE_MEMBER, "import $1_default from '$2';\nvar $1 = $1_default.$3;")
    .replace(EXPORT, 'export default $1;$2');
  const code = esm.replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '');
  return /\brequire\s*\(|\bmodule\b|\bexports\b/.test(code) ? undefined : esm;
}

const escapeRegExp = (s: string): string => s.replace(/[/\\^$*+?.()|[\]{}-]/g, '\\$&');

/**
 * The plugin. `esm: true` also rewrites stdlib's regular CommonJS files to ESM (see
 * {@link toEsm}), so that esbuild concatenates them instead of wrapping each in a closure.
 */
export function stdlibSlim({ esm = false }: { esm?: boolean } = {}): Plugin {
  const names = Object.keys(ENVIRONMENT_MODULES);
  const entryIndex = new RegExp(
    `[\\\\/]node_modules[\\\\/](${ENTRY_PACKAGES.map(escapeRegExp).join('|')})[\\\\/]lib[\\\\/]index\\.js$`,
  );
  return {
    name: 'stdlib-slim',
    setup(build) {
      build.onResolve(
        { filter: new RegExp(`^(${names.map(escapeRegExp).join('|')})$`) },
        ({ path }) => ({
          path,
          namespace: 'stdlib-slim',
        }),
      );
      build.onLoad({ filter: /.*/, namespace: 'stdlib-slim' }, ({ path }) => ({
        contents: `// ${path}, as on every engine TensorFlow.js runs in\n${esm ? 'export default' : 'module.exports ='} ${ENVIRONMENT_MODULES[path]};\n`,
        loader: 'js',
      }));
      build.onLoad({ filter: /[\\/]node_modules[\\/]@stdlib[\\/].*\.js$/ }, async ({ path }) => {
        let contents = (await readFile(path, 'utf8')).replace(LICENSE_HEADER, '');
        if (esm) contents = toEsm(contents) ?? contents;
        const entry = path.match(entryIndex)?.[1];
        if (entry) {
          contents = `/*! ${entry} and the @stdlib modules it uses: Apache-2.0, Copyright (c) The Stdlib Authors, parts ported from FreeBSD msun, Cephes, Go or Boost. Licences and notices: tiedformer/THIRD_PARTY_NOTICES.md */\n${contents}`;
        }
        return { contents, loader: 'js' };
      });
    },
  };
}
