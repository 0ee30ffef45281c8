// Bundles apps that use the packed tiedformer tarball, as a user would install it, with
// esbuild, Vite 6/7/8, webpack 5 and Rollup, each with its zero-configuration defaults. Rollup
// has no defaults for node_modules: it gets its standard node-resolve + commonjs + json +
// terser (json because @stdlib's CommonJS packages require .json files).
// Run directly, it bundles tests/browser/fresh-app with every bundler and fails on any
// warning that names tiedformer or a Node built-in.  Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const root = new URL('../..', import.meta.url).pathname;
const version = (name) =>
  JSON.parse(
    execFileSync('npm', ['pkg', 'get', 'version'], {
      cwd: join(root, 'node_modules', name),
      encoding: 'utf8',
    }),
  );

/** Packs the built package once; returns the tarball's path. */
export function pack(work) {
  const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
    cwd: root,
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop();
  return join(work, name);
}

/** Copies `appDir` into `work` and installs the tarball and tfjs packages (from npm's cache). */
export function makeApp(work, appDir, tarball, extra = []) {
  const dir = join(work, appDir.split('/').filter(Boolean).pop());
  cpSync(appDir, dir, { recursive: true });
  execFileSync('npm', ['init', '-y'], { cwd: dir, stdio: 'ignore' });
  execFileSync('npm', ['pkg', 'set', 'type=module'], { cwd: dir });
  const deps = ['@tensorflow/tfjs', ...extra].map((n) => `${n}@${version(n)}`);
  execFileSync(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--silent', tarball, ...deps],
    { cwd: dir, stdio: 'inherit' },
  );
  return dir;
}

const NODE_BUILTIN =
  /\b(node:\w+|fs|path|os|crypto|worker_threads|child_process|__vite-browser-external)\b|externalized for browser|polyfill/;
const sizeOf = (dir) =>
  readdirSync(dir, { recursive: true })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile() && /\.(m?js)$/.test(f))
    .reduce((n, f) => n + statSync(f).size, 0);

/** Each bundler: (appDir, entry, outDir) → warning strings. */
export const bundlers = {
  async esbuild(app, entry, out) {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      absWorkingDir: app,
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      minify: true,
      outdir: out,
      metafile: true,
      logLevel: 'silent',
    });
    return result.warnings.map((w) => `${w.text} (${w.location?.file ?? ''})`);
  },
  ...Object.fromEntries(
    ['vite6', 'vite7', 'vite8'].map((pkg) => [
      pkg,
      async (app, _entry, out, buildOptions = {}) => {
        const vite = await import(pkg);
        const warnings = [];
        const logger = vite.createLogger('warn');
        const warn = (msg) => warnings.push(String(msg));
        await vite.build({
          root: app,
          configFile: false,
          logLevel: 'warn',
          customLogger: { ...logger, warn, warnOnce: warn, info() {} },
          build: { outDir: out, emptyOutDir: true, ...buildOptions },
        });
        return warnings;
      },
    ]),
  ),
  async webpack(app, entry, out) {
    const { default: webpack } = await import('webpack');
    const stats = await new Promise((resolve, reject) =>
      webpack({ mode: 'production', context: app, entry, output: { path: out } }, (err, s) =>
        err ? reject(err) : resolve(s),
      ),
    );
    const json = stats.toJson({ all: false, errors: true, warnings: true });
    if (stats.hasErrors()) throw new Error(json.errors.map((e) => e.message).join('\n'));
    return json.warnings.map((w) => `${w.name ?? ''}: ${w.message}`);
  },
  async rollup(app, entry, out) {
    const { rollup } = await import('rollup');
    const { default: resolve } = await import('@rollup/plugin-node-resolve');
    const { default: commonjs } = await import('@rollup/plugin-commonjs');
    const { default: terser } = await import('@rollup/plugin-terser');
    const { default: json } = await import('@rollup/plugin-json');
    const warnings = [];
    const bundle = await rollup({
      input: join(app, entry),
      plugins: [resolve({ browser: true, rootDir: app }), commonjs(), json(), terser()],
      onwarn: (w) => warnings.push(`${w.code}: ${w.message}`),
    });
    await bundle.write({ dir: out, format: 'es' });
    await bundle.close();
    return warnings;
  },
};

/** Splits warnings into the ones that fail the check and the rest (tfjs' own size hints...). */
export function classify(warnings) {
  const bad = warnings.filter((w) => NODE_BUILTIN.test(w) || /node_modules\/tiedformer\//.test(w));
  return { bad, other: warnings.filter((w) => !bad.includes(w)) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const work = mkdtempSync(join(tmpdir(), 'tiedformer-bundle-'));
  const app = makeApp(work, join(root, 'tests/browser/fresh-app'), pack(work));
  let failed = false;
  console.log('bundler   ms      KB out  warnings (failing / other)');
  for (const [name, bundle] of Object.entries(bundlers)) {
    const out = join(app, `out-${name}`);
    mkdirSync(out, { recursive: true });
    const start = Date.now();
    try {
      const { bad, other } = classify(
        await bundle(app, name.startsWith('vite') ? 'index.html' : './src/index.js', out),
      );
      const kb = (sizeOf(out) / 1024).toFixed(0);
      console.log(
        `${name.padEnd(9)} ${String(Date.now() - start).padEnd(7)} ${kb.padEnd(7)} ${bad.length} / ${other.length}`,
      );
      for (const w of bad) console.log(`  FAIL ${w.split('\n')[0]}`);
      for (const w of other) console.log(`  note ${w.replace(/\s+/g, ' ').trim().slice(0, 200)}`);
      if (bad.length) failed = true;
    } catch (error) {
      console.log(
        `${name.padEnd(9)} FAILED: ${String(error.message ?? error)
          .split('\n')
          .slice(0, 5)
          .join(' | ')}`,
      );
      failed = true;
    }
  }
  console.log(`app: ${app}`);
  if (failed) process.exit(1);
  console.log('every bundler built the fresh app without a tiedformer or Node-built-in warning');
}
