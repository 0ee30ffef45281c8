import * as tf from '@tensorflow/tfjs';
import { knownOptions } from '../analysis/known-options.js';
import { fail } from '../analysis/validation.js';

/**
 * Backends `useFastestBackend` can pick: `'tensorflow'` (native TensorFlow through
 * `@tensorflow/tfjs-node`), `'webgpu'` (`@tensorflow/tfjs-backend-webgpu`), `'webgl'` (part of
 * `@tensorflow/tfjs`, browsers only), `'wasm'` (`@tensorflow/tfjs-backend-wasm`, XNNPACK; threaded
 * when the page is cross-origin isolated) or `'cpu'` (pure JavaScript, always available).
 *
 * @example
 * ```ts
 * import type { BackendName } from 'tiedformer';
 * const preferred: BackendName[] = ['webgl', 'wasm', 'cpu'];
 * ```
 */
export type BackendName = 'tensorflow' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/**
 * Options of {@link useFastestBackend}.
 *
 * @example
 * ```ts
 * import type { UseFastestBackendOptions } from 'tiedformer';
 * const opts: UseFastestBackendOptions = { candidates: ['wasm', 'cpu'] };
 * ```
 */
export interface UseFastestBackendOptions {
  /**
   * Backends to try, fastest first. Default in a browser (page or worker)
   * `['webgpu', 'webgl', 'wasm', 'cpu']`; elsewhere (Node) `['tensorflow', 'wasm', 'cpu']`.
   */
  candidates?: readonly BackendName[];
}

const BROWSER_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
const NODE_ORDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/** The package that registers each backend when imported (`cpu` and `webgl` come with tfjs). */
const PACKAGES: Partial<Record<BackendName, string>> = {
  tensorflow: '@tensorflow/tfjs-node',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
  wasm: '@tensorflow/tfjs-backend-wasm',
};

/**
 * Selects the fastest TensorFlow.js backend available here and makes it active.
 *
 * - **Browser** (page or worker): the first of `webgpu`, `webgl`, `wasm`, `cpu` that is
 *   registered and initialises. A browser cannot import a package by name at run time, so a
 *   backend counts only if the page imported it (`import '@tensorflow/tfjs-backend-webgpu'`,
 *   `import '@tensorflow/tfjs-backend-wasm'`; webgl and cpu come with `@tensorflow/tfjs`). A
 *   working GPU backend is therefore never traded for cpu. wasm runs multithreaded by itself
 *   when the page is cross-origin isolated (COOP/COEP headers), single-threaded otherwise.
 * - **Node**: native TensorFlow (`@tensorflow/tfjs-node`) if installed, else wasm, else cpu.
 *   Packages not yet imported are imported by name; a missing one is skipped, never thrown.
 *
 * Backends already registered are used as they are (never re-imported). All tiedformer layers
 * choose their fast paths per backend at call time (see {@link matMul}), so switching backends
 * needs no other change. To override the order, pass `candidates` or call `tf.setBackend`.
 *
 * @param options - Which backends to try, in order.
 * @returns The name of the backend now active.
 * @throws Error only if none of the candidates can be initialised (the `cpu` backend always can).
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { useFastestBackend } from 'tiedformer';
 * const backend = await useFastestBackend();
 * console.log(`training on ${backend}`, tf.getBackend());
 * ```
 */
export async function useFastestBackend(
  options: UseFastestBackendOptions = {},
): Promise<BackendName> {
  knownOptions('useFastestBackend', options, ['candidates']);
  const given: unknown = options.candidates;
  if (given !== undefined && !Array.isArray(given))
    fail('useFastestBackend', `candidates must be an array of backend names, got ${String(given)}`);
  const browser = tf.env().getBool('IS_BROWSER');
  const candidates = options.candidates ?? (browser ? BROWSER_ORDER : NODE_ORDER);
  for (const name of candidates) {
    if (!tf.findBackendFactory(name)) {
      const specifier = PACKAGES[name];
      // A bare specifier does not resolve in a browser at run time: the page must import it.
      if (browser || specifier === undefined) continue;
      try {
        // A variable specifier keeps bundlers and TypeScript from requiring the optional peer;
        // the comments tell Vite and webpack not to warn about it.
        await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);
      } catch {
        continue;
      }
      if (!tf.findBackendFactory(name)) continue;
    }
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
    } catch {
      // Registered but unusable here (no GPU adapter, a wasm binary that fails to load): next.
    }
  }
  throw new Error(
    `[useFastestBackend] none of the backends ${candidates.join(', ')} could be initialised`,
  );
}
