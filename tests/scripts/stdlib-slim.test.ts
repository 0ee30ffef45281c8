// scripts/stdlib-slim.mjs (the esbuild plugin tsup bundles @stdlib with) must change no result:
// - each module it replaces exports, on this engine, exactly the value it is replaced by;
// - gammaln, erfc and erfinv bundled through it (both forms: CommonJS kept, and rewritten to
//   ESM) return bit-identical values to the unbundled packages, on a grid that reaches every
//   branch we can name (gammaln's x < 0 reflection through sinpi, tiny and huge arguments,
//   ±0, ±∞, NaN);
// - the bundle really is the slim one (no string-format, no per-file licence headers, one
//   legal comment per function), so these comparisons test what ships.
// Negative controls: a grid value nudged by one ulp is caught by the comparison, and a file not
// in stdlib's regular CommonJS form is left alone by the ESM rewrite.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ENTRY_PACKAGES,
  ENVIRONMENT_MODULES,
  stdlibSlim,
  toEsm,
} from '../../scripts/stdlib-slim.js';

const require = createRequire(import.meta.url);
const root = new URL('../../', import.meta.url).pathname;
const outDir = `${root}.stdlib-slim-test/`;
type Fn = (x: number) => number;
const raw = {
  gammaln: require('@stdlib/math-base-special-gammaln') as Fn,
  erfc: require('@stdlib/math-base-special-erfc') as Fn,
  erfinv: require('@stdlib/math-base-special-erfinv') as Fn,
};

async function bundled(esm: boolean): Promise<{ fns: typeof raw; text: string }> {
  const result = await esbuild.build({
    stdin: {
      contents: ENTRY_PACKAGES.map(
        (p: string, i: number) => `export { default as f${i} } from '${p}';`,
      ).join('\n'),
      resolveDir: root,
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
    plugins: [stdlibSlim({ esm })],
  });
  const text = result.outputFiles[0]?.text ?? '';
  mkdirSync(outDir, { recursive: true });
  const file = `${outDir}bundle-${esm ? 'esm' : 'cjs'}.mjs`;
  writeFileSync(file, text);
  const m = await import(file);
  return { fns: { gammaln: m.f0, erfc: m.f1, erfinv: m.f2 }, text };
}

/** Arguments: logarithmic sweeps of both signs, integers and half-integers, special values. */
function grid(): number[] {
  const xs = [0, -0, Number.NaN, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE];
  for (let e = -310; e <= 308; e += 0.37) xs.push(10 ** e, -(10 ** e));
  for (let k = -60; k <= 60; k += 0.5) xs.push(k, k + 1e-9, k - 1e-9);
  for (let x = -1; x <= 1; x += 1 / 1024) xs.push(x, x * 0.999999);
  for (let x = -8; x <= 8; x += 0.0137) xs.push(x);
  return xs;
}

/** Indices where the two functions differ (Object.is: NaN equals NaN, -0 differs from 0). */
function mismatches(a: Fn, b: Fn, xs: number[]): number[] {
  return xs.flatMap((x, i) => (Object.is(a(x), b(x)) ? [] : [i]));
}

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('stdlib-slim', () => {
  it('replaces each environment module by the value the real package exports here', () => {
    for (const [name, value] of Object.entries(ENVIRONMENT_MODULES)) {
      const real = require(name);
      const replacement = new Function(`return ${value};`)();
      if (name.startsWith('@stdlib/assert-has-')) {
        expect(real(), name).toBe(true);
        expect(replacement(), name).toBe(true);
      } else {
        expect(replacement, name).toBe(real);
      }
    }
  });

  for (const esm of [true, false]) {
    it(`keeps gammaln, erfc and erfinv bit-identical (${esm ? 'ESM rewrite' : 'CommonJS kept'})`, async () => {
      const { fns, text } = await bundled(esm);
      const xs = grid();
      expect(xs.length).toBeGreaterThan(5000);
      for (const name of ['gammaln', 'erfc', 'erfinv'] as const) {
        expect(mismatches(fns[name], raw[name], xs), name).toEqual([]);
      }
      // The reflection branch of gammaln (x < 0, through sinpi) is on the grid and exercised.
      expect(fns.gammaln(-2.5)).toBe(raw.gammaln(-2.5));
      expect(Number.isFinite(fns.gammaln(-2.5))).toBe(true);
      // The slim bundle: no error-formatting package, no per-file licence headers.
      expect(text).not.toMatch(/string-format|string-base-format/);
      expect(text).not.toContain('Licensed under the Apache License');
      expect(
        text.match(/@stdlib\/math-base-special-\w+ and the @stdlib modules it uses/g),
      ).toHaveLength(3);
      if (esm) expect(text).not.toContain('__commonJS');
    });
  }

  it('a one-ulp change is caught (negative control)', () => {
    const nudged: Fn = (x) => {
      const y = raw.erfc(x);
      return x === 0.5 ? y * (1 + Number.EPSILON) : y;
    };
    expect(mismatches(nudged, raw.erfc, grid()).length).toBeGreaterThan(0);
  });

  it('rewrites only files in the regular form', () => {
    expect(
      toEsm(
        "'use strict';\nvar a = require( './a.js' );\nvar b = require( 'b' ).c;\nmodule.exports = a;\n",
      ),
    ).toBe(
      "'use strict';\nimport a from './a.js';\nimport b_default from 'b';\nvar b = b_default.c;\nexport default a;\n",
    );
    expect(toEsm("var a = require( './a.js' );\nmodule.exports.x = a;\n")).toBeUndefined();
    expect(toEsm("var a = cond ? require( 'x' ) : 1;\nmodule.exports = a;\n")).toBeUndefined();
  });
});
