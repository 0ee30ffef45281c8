// The tie-integrity checks of DESIGN.md "Tied weights", run for each tied head through
// createCausalLM: E listed once, countParams agreement, the gradient reaching E against finite
// differences, save → load through file:// and memory with the tie restored, and training
// after loading continuing with identical losses.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { countParams } from '../../src/analysis/count-params.js';
import { sparseSoftmaxCrossEntropy } from '../../src/backend/sparse-cross-entropy.js';
import { verifyTie } from '../../src/diagnostics/verify-tie.js';
import { TokenEmbedding } from '../../src/layers/token-embedding.js';
import { type CausalLMOptions, causalLMConfig } from '../../src/models/causal-lm-options.js';
import { createCausalLM } from '../../src/models/create-causal-lm.js';
import { registerFileSystemRouter } from '../../src/node/file-system.js';
import { saveToMemory } from './save-to-memory.js';

const embeddingOf = (model: tf.LayersModel) =>
  model.layers.find((l) => l instanceof TokenEmbedding) as TokenEmbedding;

export function smallModelOptions(
  head: CausalLMOptions['head'],
  extra: Partial<CausalLMOptions> = {},
): CausalLMOptions {
  return {
    vocabSize: 40,
    hiddenSize: 8,
    numLayers: 2,
    numHeads: 2,
    intermediateSize: 16,
    head,
    embeddingStd: 0.3,
    initStd: 0.2,
    seed: 1,
    ...extra,
  };
}

/** Fixed token batches [batch, seq + 1]. */
export function tokenBatch(
  vocabSize: number,
  batch: number,
  seq: number,
  seed: number,
): tf.Tensor2D {
  return tf.randomUniformInt([batch, seq + 1], 0, vocabSize, seed) as tf.Tensor2D;
}

function lmLoss(model: tf.LayersModel, tokens: tf.Tensor2D): tf.Scalar {
  const [batch, length] = tokens.shape;
  const inputs = tf.slice(tokens, [0, 0], [batch, length - 1]);
  const targets = tf.slice(tokens, [0, 1], [batch, length - 1]);
  return sparseSoftmaxCrossEntropy(targets, model.apply(inputs) as tf.Tensor);
}

export async function expectTieIntegrity(opts: CausalLMOptions): Promise<void> {
  const model = createCausalLM(opts);
  const embedding = embeddingOf(model);
  const E = embedding.embeddings;

  // E listed once; parameter count agrees with the analysis module; verifyTie agrees.
  expect(model.trainableWeights.filter((w) => w === E)).toHaveLength(1);
  expect(
    model.trainableWeights.filter((w) => w.shape.join() === `${opts.vocabSize},${opts.hiddenSize}`),
  ).toHaveLength(1);
  expect(model.countParams()).toBe(countParams(causalLMConfig(opts)).total);
  expect(verifyTie(model).tied).toBe(true);

  // The gradient reaching E against central finite differences, on a row the input reads
  // (lookup + head paths) and a row it never reads (head path only).
  const tokens = tokenBatch(opts.vocabSize, 2, 6, 11);
  const inputIds = new Set(Array.from(tf.slice(tokens, [0, 0], [2, 6]).dataSync()));
  const readRow = [...inputIds][0] as number;
  const unreadRow = [...Array(opts.vocabSize).keys()].find((r) => !inputIds.has(r)) as number;
  const variable = E.read() as tf.Variable;
  const { grads } = tf.variableGrads(() => lmLoss(model, tokens), [variable]);
  const analytic = (grads[variable.name] as tf.Tensor).arraySync() as number[][];
  const original = variable.arraySync() as number[][];
  const h = 5e-3;
  for (const [row, col] of [
    [readRow, 0],
    [readRow, 3],
    [unreadRow, 1],
  ] as const) {
    const at = (delta: number) => {
      const perturbed = original.map((r) => [...r]);
      (perturbed[row] as number[])[col] = ((original[row] as number[])[col] as number) + delta;
      variable.assign(tf.tensor2d(perturbed));
      return tf.tidy(() => lmLoss(model, tokens).dataSync()[0] as number);
    };
    const numeric = (at(h) - at(-h)) / (2 * h);
    variable.assign(tf.tensor2d(original));
    const exact = (analytic[row] as number[])[col] as number;
    expect(Math.abs(exact - numeric)).toBeLessThan(2e-3 + 2e-2 * Math.abs(numeric));
  }

  // Save → load through file:// and memory: one copy of E, the tie restored, same predictions.
  registerFileSystemRouter();
  const directory = mkdtempSync(join(tmpdir(), 'tiedformer-'));
  await model.save(`file://${directory}`);
  const fromMemory = await saveToMemory(model);
  expect(
    fromMemory.weightSpecs?.filter(
      (s) => s.shape.join() === `${opts.vocabSize},${opts.hiddenSize}`,
    ),
  ).toHaveLength(1);
  for (const loaded of [
    await tf.loadLayersModel(`file://${directory}/model.json`),
    await tf.loadLayersModel(tf.io.fromMemory(fromMemory)),
  ]) {
    expect(verifyTie(loaded).tied).toBe(true);
    expect(loaded.countParams()).toBe(model.countParams());
    const x = tf.slice(tokens, [0, 0], [2, 6]);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(
      Array.from((model.predict(x) as tf.Tensor).dataSync()),
    );
    // Changing one row r of the loaded E moves column r of every position's logits (head)
    // and every column at positions whose input is r (lookup).
    const loadedE = embeddingOf(loaded).embeddings;
    const before = (loaded.predict(x) as tf.Tensor).arraySync() as number[][][];
    loadedE.write(
      tf.add(
        loadedE.read(),
        tf.mul(
          tf.oneHot(tf.tensor1d([readRow], 'int32'), opts.vocabSize).reshape([opts.vocabSize, 1]),
          tf.ones([1, opts.hiddenSize]),
        ),
      ),
    );
    const after = (loaded.predict(x) as tf.Tensor).arraySync() as number[][][];
    const ids = x.arraySync() as number[][];
    const other = (readRow + 1) % opts.vocabSize;
    let lookupMoved = false;
    for (let b = 0; b < 2; b++) {
      for (let t = 0; t < 6; t++) {
        const rowBefore = (before[b] as number[][])[t] as number[];
        const rowAfter = (after[b] as number[][])[t] as number[];
        expect(rowAfter[readRow]).not.toBeCloseTo(rowBefore[readRow] as number, 4);
        if ((ids[b] as number[])[t] === readRow) {
          lookupMoved ||=
            Math.abs((rowAfter[other] as number) - (rowBefore[other] as number)) > 1e-4;
        }
      }
    }
    expect(lookupMoved).toBe(true);
  }

  // Training after loading continues exactly as training without the round-trip (SGD: no optimizer state).
  const first = tokenBatch(opts.vocabSize, 2, 6, 21);
  const batches = [first, tokenBatch(opts.vocabSize, 2, 6, 22), first];
  const reloaded = await tf.loadLayersModel(tf.io.fromMemory(await saveToMemory(model)));
  const trainLosses = (m: tf.LayersModel) => {
    const optimizer = tf.train.sgd(0.1);
    const losses = batches.map(
      (batch) =>
        (
          optimizer.minimize(
            () => lmLoss(m, batch),
            true,
            m.trainableWeights.map((w) => w.read() as tf.Variable),
          ) as tf.Scalar
        ).dataSync()[0] as number,
    );
    optimizer.dispose();
    return losses;
  };
  const direct = trainLosses(model);
  const roundTrip = trainLosses(reloaded);
  for (const [i, loss] of direct.entries())
    expect(Math.abs(loss - (roundTrip[i] as number))).toBeLessThan(1e-5);
  expect(direct[2] as number).toBeLessThan(direct[0] as number); // the same batch, two steps later
}
