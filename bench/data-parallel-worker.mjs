// Worker threads do not inherit tsx's loader from `npm run bench`: register it, then load the
// TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./data-parallel-worker.ts');
