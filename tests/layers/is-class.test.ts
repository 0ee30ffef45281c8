import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyTie } from '../../src/diagnostics/verify-tie.js';
import { TiedLMHead } from '../../src/heads/tied-lm-head.js';
import { isClass } from '../../src/layers/is-class.js';
import { RMSNorm } from '../../src/layers/rms-norm.js';
import { TokenEmbedding } from '../../src/layers/token-embedding.js';

// A second copy of the TokenEmbedding module, as when one process loads tiedformer twice (ESM
// and CJS): the same code evaluated again, so its class is not the one the heads import.
const copy = (await import(
  // @ts-expect-error: a query string makes vite evaluate the module a second time.
  '../../src/layers/token-embedding.js?second-copy'
)) as typeof import('../../src/layers/token-embedding.js');

afterAll(() => {
  tf.serialization.registerClass(TokenEmbedding); // the copy re-registered its own class
});

describe('identity by class name across package copies', () => {
  it('the copy is a different class (the control: instanceof fails across copies)', () => {
    const foreign = new copy.TokenEmbedding({ vocabSize: 10, hiddenSize: 4 });
    expect(foreign instanceof TokenEmbedding).toBe(false);
    expect(isClass(foreign, 'TokenEmbedding')).toBe(true);
    expect(isClass(new RMSNorm(), 'TokenEmbedding')).toBe(false);
    expect(isClass(undefined, 'TokenEmbedding')).toBe(false);
  });

  it('a head ties to, and verifyTie recognises, an embedding of the other copy', () => {
    const embedding = new copy.TokenEmbedding({ vocabSize: 10, hiddenSize: 4 });
    const ids = tf.input({ shape: [3], dtype: 'int32' });
    const hidden = embedding.apply(ids) as tf.SymbolicTensor;
    const head = new TiedLMHead({ embedding: embedding as unknown as TokenEmbedding });
    const model = tf.model({ inputs: ids, outputs: head.apply(hidden) as tf.SymbolicTensor });
    expect(verifyTie(model).tied).toBe(true);
    // Re-linking by name, as on load, walks the graph to the other copy's layer too.
    const byName = new TiedLMHead({ embedding: { name: embedding.name } });
    const relinked = tf.model({ inputs: ids, outputs: byName.apply(hidden) as tf.SymbolicTensor });
    expect(verifyTie(relinked).tied).toBe(true);
    model.dispose();
  });

  it('verifyTie names itself for what is not a model', () => {
    expect(() => verifyTie(undefined as never)).toThrow(
      '[verifyTie] model must be a tf.LayersModel, got undefined',
    );
  });
});
