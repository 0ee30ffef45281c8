import { describe, expect, it } from 'vitest';
import { useFastestBackend } from '../../src/backend/use-fastest-backend.js';

describe('useFastestBackend options', () => {
  it('rejects a misspelt option and a non-array candidates list, naming itself', async () => {
    await expect(useFastestBackend({ candidate: ['cpu'] } as never)).rejects.toThrow(
      '[useFastestBackend] unknown option "candidate"; known: candidates',
    );
    await expect(useFastestBackend({ candidates: 'cpu' } as never)).rejects.toThrow(
      '[useFastestBackend] candidates must be an array of backend names, got cpu',
    );
    await expect(useFastestBackend(null as never)).rejects.toThrow(
      '[useFastestBackend] expected an options object',
    );
  });
});
