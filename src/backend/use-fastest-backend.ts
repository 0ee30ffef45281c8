import * as tf from '@tensorflow/tfjs';

/**
 * Backends `useFastestBackend` can pick: `'tensorflow'` (native TensorFlow through
 * `@tensorflow/tfjs-node`), `'wasm'` (`@tensorflow/tfjs-backend-wasm`, XNNPACK) or `'cpu'`
 * (pure JavaScript, always available).
 *
 * @example
 * ```ts
 * import type { BackendName } from 'tiedformer';
 * const preferred: BackendName[] = ['tensorflow', 'wasm', 'cpu'];
 * ```
 */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

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
  /** Backends to try, fastest first. Default `['tensorflow', 'wasm', 'cpu']`. */
  candidates?: readonly BackendName[];
}

const PACKAGES: Record<Exclude<BackendName, 'cpu'>, string> = {
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
};

/**
 * Selects the fastest TensorFlow.js backend installed: native TensorFlow
 * (`@tensorflow/tfjs-node`) if the user has it, else WebAssembly
 * (`@tensorflow/tfjs-backend-wasm`), else the pure-JS `cpu` backend. A backend whose package is
 * missing or fails to initialise is skipped, never thrown.
 *
 * All tiedformer layers choose their fast paths per backend at call time (see
 * {@link matMul}), so switching backends needs no other change.
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
  const candidates = options.candidates ?? ['tensorflow', 'wasm', 'cpu'];
  for (const name of candidates) {
    if (name !== 'cpu') {
      try {
        // A variable specifier keeps bundlers and TypeScript from requiring the optional peer.
        const specifier = PACKAGES[name];
        await import(/* @vite-ignore */ specifier);
      } catch {
        continue;
      }
    }
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
    } catch {
      // Registered but unusable here (e.g. a wasm binary that fails to load): try the next.
    }
  }
  throw new Error(
    `[useFastestBackend] none of the backends ${candidates.join(', ')} could be initialised`,
  );
}
