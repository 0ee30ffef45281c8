import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { normal } from '../../src/init/normal.js';
import { tiedNormal } from '../../src/init/tied-normal.js';
import { RMSNorm } from '../../src/layers/rms-norm.js';
import { TokenEmbedding } from '../../src/layers/token-embedding.js';
import { expectLayerContract } from '../helpers/layer-contract.js';
import { expectClose } from '../helpers/reference.js';
import { saveToMemory } from '../helpers/save-to-memory.js';

/**
 * An independent lookup to differentiate: tfjs' gather on cpu (the reference the issue names);
 * on wasm, whose gather has no gradient, the one-hot product oneHot(ids)·E.
 */
function referenceLookup(table: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  if (tf.getBackend() === 'cpu') return tf.gather(table, ids);
  const [vocabSize, width] = table.shape as [number, number];
  const oneHot = tf.oneHot(tf.reshape(ids, [-1]), vocabSize).toFloat();
  return tf.reshape(tf.matMul(oneHot, table), [...ids.shape, width]);
}

/** A tiny tied LM: ids → E → RMSNorm → Eᵀ. */
function tiedModel(vocabSize: number, hiddenSize: number, seqLen: number) {
  const embedding = new TokenEmbedding({
    vocabSize,
    hiddenSize,
    embeddingsInitializer: normal({ std: 0.5, seed: 1 }),
  });
  const ids = tf.input({ shape: [seqLen], dtype: 'int32' });
  const hidden = embedding.apply(ids) as tf.SymbolicTensor;
  const normed = new RMSNorm({}).apply(hidden) as tf.SymbolicTensor;
  const logits = embedding.apply(normed) as tf.SymbolicTensor;
  return { embedding, model: tf.model({ inputs: ids, outputs: logits }) };
}

describe('TokenEmbedding', () => {
  it('passes the layer contract as a lookup', async () => {
    await expectLayerContract({
      create: () => new TokenEmbedding({ vocabSize: 30, hiddenSize: 8, scale: 'sqrt' }),
      inputs: [{ shape: [2, 5], dtype: 'int32', maxValue: 30 }],
      outputShape: [2, 5, 8],
      trainableWeights: 1,
    });
  });

  it('looks up rows of E, times the input scale', () => {
    const embedding = new TokenEmbedding({ vocabSize: 6, hiddenSize: 3, scale: 'sqrt' });
    const ids = tf.tensor2d([[5, 0, 5]], [1, 3], 'int32');
    const rows = embedding.apply(ids) as tf.Tensor;
    const table = embedding.embeddings.read().arraySync() as number[][];
    const expected = [
      [table[5], table[0], table[5]].map((r) => (r as number[]).map((v) => v * Math.sqrt(3))),
    ];
    expectClose(rows, expected);
  });

  it('computes tied logits h·Eᵀ for float32 hidden states', () => {
    const embedding = new TokenEmbedding({ vocabSize: 7, hiddenSize: 4 });
    embedding.apply(tf.tensor1d([0], 'int32'));
    const h = tf.randomNormal([2, 3, 4]);
    const logits = embedding.apply(h) as tf.Tensor;
    expect(logits.shape).toEqual([2, 3, 7]);
    const reference = tf.matMul(tf.reshape(h, [6, 4]), embedding.embeddings.read(), false, true);
    expectClose(logits, Array.from(reference.dataSync()));
  });

  it('gradient equals the gather gradient (cpu) / one-hot gradient (wasm) for random ids with repeats', () => {
    const table = tf.variable(tf.randomNormal([50, 6], 0, 1, 'float32', 2));
    const ids = tf.randomUniformInt([4, 9], 0, 50, 3); // 36 draws from 50: repeats are near certain
    const cotangent = tf.randomNormal([4, 9, 6], 0, 1, 'float32', 4);
    const embedding = new TokenEmbedding({ vocabSize: 50, hiddenSize: 6 });
    embedding.apply(ids);
    embedding.embeddings.write(table);
    const ours = tf.variableGrads(
      () => tf.sum(tf.mul(embedding.apply(ids) as tf.Tensor, cotangent)),
      [embedding.embeddings.read() as tf.Variable],
    );
    const theirs = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(referenceLookup(t, ids), cotangent)))(
      table,
    );
    const a = Object.values(ours.grads)[0]?.dataSync() as Float32Array;
    const b = theirs.dataSync();
    expect(new Set(ids.dataSync()).size).toBeLessThan(36);
    expectClose(Array.from(a), Array.from(b));
  });

  it('trains through both uses and keeps E one variable: fit, save, load, train again', async () => {
    const { embedding, model } = tiedModel(20, 8, 5);
    expect(
      model.trainableWeights.filter((w) => w.originalName.endsWith('/embeddings')),
    ).toHaveLength(1);
    expect(model.countParams()).toBe(20 * 8 + 8);
    model.compile({
      optimizer: tf.train.adam(0.01),
      loss: (y: tf.Tensor, p: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, p),
    });
    const x = tf.randomUniformInt([4, 5], 0, 20, 5);
    const y = tf.oneHot(tf.reshape(x, [-1]), 20).reshape([4, 5, 20]);
    const before = embedding.embeddings.read().dataSync().slice();
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    expect(embedding.embeddings.read().dataSync()).not.toEqual(before);

    const artifacts = await saveToMemory(model);
    expect(artifacts?.weightSpecs?.filter((s) => s.name.endsWith('/embeddings'))).toHaveLength(1);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    const loadedEmbedding = loaded.layers.find(
      (l) => l instanceof TokenEmbedding,
    ) as TokenEmbedding;
    expect(loadedEmbedding.inboundNodes).toHaveLength(2);
    expect(loaded.trainableWeights).toHaveLength(2);
    // Changing one row r of E after loading reaches both uses: through the head, column r of
    // every position's logits moves; through the lookup, positions whose input is r move in
    // every column.
    const ids = Array.from(x.dataSync());
    const r = ids[0] as number;
    const logitsBefore = (loaded.predict(x) as tf.Tensor).arraySync() as number[][][];
    const bump = tf.mul(tf.oneHot(tf.tensor1d([r], 'int32'), 20).reshape([20, 1]), tf.ones([1, 8]));
    loadedEmbedding.embeddings.write(tf.add(loadedEmbedding.embeddings.read(), bump));
    const logitsAfter = (loaded.predict(x) as tf.Tensor).arraySync() as number[][][];
    for (let p = 0; p < ids.length; p++) {
      const [b, t] = [Math.floor(p / 5), p % 5];
      const rowBefore = logitsBefore[b]?.[t] as number[];
      const rowAfter = logitsAfter[b]?.[t] as number[];
      expect(rowAfter[r]).not.toBeCloseTo(rowBefore[r] as number, 3); // head
      const other = (r + 1) % 20;
      if (ids[p] === r)
        expect(rowAfter[other]).not.toBeCloseTo(rowBefore[other] as number, 3); // lookup
      else expect(rowAfter[other]).toBeCloseTo(rowBefore[other] as number, 5);
    }
  });

  it('sums the gradients of the lookup and the head into E', () => {
    const { embedding, model } = tiedModel(12, 4, 3);
    const ids = tf.tensor2d([[1, 2, 1]], [1, 3], 'int32');
    const cotangent = tf.randomNormal([1, 3, 12], 0, 1, 'float32', 6);
    const table = embedding.embeddings.read() as tf.Variable;
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.mul(model.apply(ids) as tf.Tensor, cotangent)),
      [table],
    );
    // The same function with the two uses of E separated: lookup through a frozen copy, and head through E.
    const frozen = tf.clone(table);
    const norm = model.layers[2] as RMSNorm;
    const headOnly = tf.grad((t: tf.Tensor) =>
      tf.sum(
        tf.mul(
          tf
            .matMul(
              tf.reshape(norm.apply(referenceLookup(frozen, ids)) as tf.Tensor, [3, 4]),
              t,
              false,
              true,
            )
            .reshape([1, 3, 12]),
          cotangent,
        ),
      ),
    )(table);
    const lookupOnly = tf.grad((t: tf.Tensor) =>
      tf.sum(
        tf.mul(
          tf
            .matMul(
              tf.reshape(norm.apply(referenceLookup(t, ids)) as tf.Tensor, [3, 4]),
              frozen,
              false,
              true,
            )
            .reshape([1, 3, 12]),
          cotangent,
        ),
      ),
    );
    const sum = tf.add(headOnly, lookupOnly(table)).dataSync();
    expectClose(grads[table.name] as tf.Tensor, Array.from(sum), 1e-4, 1e-4);
  });

  it('initialises with std ln(n)/d through tiedNormal', () => {
    const embedding = new TokenEmbedding({
      vocabSize: 4000,
      hiddenSize: 32,
      embeddingsInitializer: tiedNormal({ vocabSize: 4000, hiddenSize: 32, seed: 1 }),
    });
    embedding.apply(tf.tensor1d([0], 'int32'));
    const values = embedding.embeddings.read();
    const std = Math.sqrt(tf.mean(tf.square(values)).dataSync()[0] as number);
    expect(std).toBeCloseTo(Math.log(4000) / 32, 2);
  });

  it('rejects token ids outside [0, vocabSize)', () => {
    const embedding = new TokenEmbedding({ vocabSize: 10, hiddenSize: 4 });
    expect(() => embedding.apply(tf.tensor2d([[1, 10]], [1, 2], 'int32'))).toThrow(
      '[TokenEmbedding] token id 10 is outside [0, 10)',
    );
    expect(() => embedding.apply(tf.tensor1d([-1], 'int32'))).toThrow(
      '[TokenEmbedding] token id -1 is outside [0, 10)',
    );
  });

  it('rejects non-integer ids and hidden states of the wrong width', () => {
    const embedding = new TokenEmbedding({ vocabSize: 10, hiddenSize: 4 });
    expect(() => embedding.apply(tf.tensor2d([[1, 2]], [1, 2], 'float32'))).toThrow(
      '[TokenEmbedding] a float32 input is read as hidden states for the tied output projection and needs last dimension hiddenSize (4), got shape [1,2]; token ids must be int32',
    );
    expect(() => embedding.apply(tf.tensor1d([true], 'bool'))).toThrow(
      '[TokenEmbedding] input must be int32 token ids or float32 hidden states, got dtype bool',
    );
    expect(() => embedding.apply(tf.input({ shape: [7] }))).toThrow(
      '[TokenEmbedding] a model input of dtype float32 cannot feed the embedding: token ids must be int32',
    );
  });

  it.each([
    [
      { vocabSize: 0, hiddenSize: 4 },
      '[TokenEmbedding] vocabSize must be a positive integer, got 0',
    ],
    [
      { vocabSize: 10, hiddenSize: 2.5 },
      '[TokenEmbedding] hiddenSize must be a positive integer, got 2.5',
    ],
    [
      { vocabSize: 10, hiddenSize: 4, scale: 0 },
      '[TokenEmbedding] scale must be a finite number > 0, got 0',
    ],
    [
      { vocabSize: 10, hiddenSize: 4, scale: 'cube' },
      '[TokenEmbedding] scale must be a finite number > 0, got "cube"',
    ],
  ])('rejects %j', (args, message) => {
    expect(() => new TokenEmbedding(args as never)).toThrow(message);
  });

  it('refuses to hand out E before it is built', () => {
    expect(() => new TokenEmbedding({ vocabSize: 10, hiddenSize: 4 }).embeddings).toThrow(
      '[TokenEmbedding] the layer is not built yet',
    );
  });
});
