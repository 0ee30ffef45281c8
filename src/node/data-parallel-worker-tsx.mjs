// Development only (not shipped): a worker thread does not inherit the TypeScript loader of
// tsx or vitest, so from the sources the trainer starts this file, which registers tsx and
// then loads the TypeScript replica. The built package starts dist/data-parallel-worker.js.
import { register } from 'tsx/esm/api';

register();
await import('./data-parallel-worker.ts');
