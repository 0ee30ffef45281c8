// A worker thread does not inherit tsx's loader: register it, then run the TypeScript bench's
// worker branch (bench/replica-contention.ts).
import { register } from 'tsx/esm/api';

register();
await import('./replica-contention.ts');
