import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { clearCausalMasks } from '../../src/backend/causal-mask.js';
import { generate } from '../../src/generation/generate.js';
import { generateStream } from '../../src/generation/generate-stream.js';
import type { CausalLMOptions } from '../../src/models/causal-lm-options.js';
import { createCausalLM } from '../../src/models/create-causal-lm.js';

/** A "model" whose logits at every position favour (last input token + 1) mod 5. */
function successorModel(scale = 10): tf.LayersModel {
  const ids = tf.input({ shape: [null], dtype: 'int32' });
  const embedding = tf.layers.embedding({
    inputDim: 5,
    outputDim: 5,
    embeddingsInitializer: 'zeros',
  });
  const model = tf.model({ inputs: ids, outputs: embedding.apply(ids) as tf.SymbolicTensor });
  const table = [0, 1, 2, 3, 4].map((i) =>
    [0, 1, 2, 3, 4].map((j) => (j === (i + 1) % 5 ? scale : 0)),
  );
  embedding.setWeights([tf.tensor2d(table)]);
  return model;
}

const lm = (extra: Partial<CausalLMOptions> = {}) =>
  createCausalLM({
    vocabSize: 40,
    hiddenSize: 16,
    numLayers: 2,
    numHeads: 4,
    numKeyValueHeads: 2,
    intermediateSize: 32,
    head: 'tied',
    embeddingStd: 0.5,
    initStd: 0.3,
    residualInit: 'normal',
    seed: 5,
    ...extra,
  });

/** Live tensors, not counting the shared causal masks full passes keep by design. */
function liveTensors(): number {
  clearCausalMasks();
  return tf.memory().numTensors;
}

describe('generate', () => {
  it('greedy decoding follows the argmax, and returns a Promise', async () => {
    const pending = generate(successorModel(), [3], { maxNewTokens: 6 });
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toEqual([3, 4, 0, 1, 2, 3, 4]);
  });

  it('gives the same tokens with and without the cache (greedy and seeded sampling)', async () => {
    const model = lm();
    const before = liveTensors();
    for (const rule of [
      {},
      { temperature: 1.5, seed: 3 },
      { temperature: 0.9, topK: 8, topP: 0.9, seed: 4 },
    ]) {
      const cached = await generate(model, [1, 2, 3], { maxNewTokens: 12, cache: true, ...rule });
      const full = await generate(model, [1, 2, 3], { maxNewTokens: 12, cache: false, ...rule });
      expect(cached).toEqual(full);
      expect(cached).toHaveLength(15);
    }
    expect(liveTensors()).toBe(before);
  });

  it('is reproducible with a seed; topK 1 and tiny temperatures are greedy', async () => {
    const model = lm();
    const a = await generate(model, [1, 2], { maxNewTokens: 8, temperature: 1.5, seed: 3 });
    expect(await generate(model, [1, 2], { maxNewTokens: 8, temperature: 1.5, seed: 3 })).toEqual(
      a,
    );
    expect(
      await generate(model, [1, 2], { maxNewTokens: 8, temperature: 1.5, seed: 4 }),
    ).not.toEqual(a);
    const greedy = await generate(model, [1, 2], { maxNewTokens: 5 });
    for (const rule of [
      { temperature: 5, topK: 1 },
      { temperature: 1e-310 },
      { temperature: 1e-30 },
      { temperature: 0 },
    ]) {
      expect(await generate(model, [1, 2], { maxNewTokens: 5, seed: 4, ...rule })).toEqual(greedy);
    }
  });

  it('follows the model distribution when sampling (chi-square, fixed seed)', async () => {
    // Successor logits of 1: p(successor) = e/(e + 4) ≈ 0.405, the other four 0.149 each.
    const tokens = await generate(successorModel(1), [0], {
      maxNewTokens: 800,
      temperature: 1,
      seed: 11,
    });
    const hits = tokens.slice(1).filter((t, i) => t === ((tokens[i] as number) + 1) % 5).length;
    const p = Math.E / (Math.E + 4);
    const z = (hits - 800 * p) / Math.sqrt(800 * p * (1 - p));
    expect(Math.abs(z)).toBeLessThan(3.3);
    // Negative control: the same count is far from what temperature 2 would give.
    const p2 = Math.exp(0.5) / (Math.exp(0.5) + 4);
    expect(Math.abs((hits - 800 * p2) / Math.sqrt(800 * p2 * (1 - p2)))).toBeGreaterThan(5);
  });

  it('decodes a batch of prompts of different lengths as each alone', async () => {
    const model = lm();
    const prompts = [[4, 9, 12, 30, 2, 7], [1], [8, 8, 3]];
    const batch = await generate(model, prompts, { maxNewTokens: 6 });
    for (let b = 0; b < prompts.length; b++) {
      expect(batch[b]).toEqual(await generate(model, prompts[b] as number[], { maxNewTokens: 6 }));
    }
  });

  it('stops a row at a stop token (included) and the batch when all rows stopped', async () => {
    expect(await generate(successorModel(), [0], { maxNewTokens: 10, stop: [3] })).toEqual([
      0, 1, 2, 3,
    ]);
    expect(await generate(successorModel(), [[0], [2]], { maxNewTokens: 10, stop: [3] })).toEqual([
      [0, 1, 2, 3],
      [2, 3],
    ]);
  });

  it('slides a maxContext window, cached as uncached', async () => {
    const model = lm();
    const opts = { maxNewTokens: 10, maxContext: 4 };
    const before = liveTensors();
    const cached = await generate(model, [1, 2, 3, 4, 5, 6], { ...opts, cache: true });
    expect(cached).toEqual(await generate(model, [1, 2, 3, 4, 5, 6], { ...opts, cache: false }));
    expect(liveTensors()).toBe(before);
  });

  it('drives a model with a fixed seqLen, whose window defaults to it', async () => {
    const model = lm({ seqLen: 6 });
    const cached = await generate(model, [1, 2, 3], { maxNewTokens: 8 });
    expect(cached).toHaveLength(11);
    expect(cached).toEqual(await generate(model, [1, 2, 3], { maxNewTokens: 8, cache: false }));
  });

  it('keeps the event loop running and aborts on a signal, freeing the cache', async () => {
    const model = lm();
    const before = liveTensors();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const controller = new AbortController();
    const run = generate(model, [1], { maxNewTokens: 1e9, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('enough')), 100);
    await expect(run).rejects.toThrow('enough');
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(2); // timers ran between steps
    expect(liveTensors()).toBe(before);
    await expect(
      generate(model, [1], { maxNewTokens: 3, signal: AbortSignal.abort(new Error('before')) }),
    ).rejects.toThrow('before');
  });

  it("reads no tensor synchronously but the embedding's id check (the #15 fix removes that one)", async () => {
    const model = lm();
    const callers: string[] = [];
    const original = tf.Tensor.prototype.dataSync;
    const originalArray = tf.Tensor.prototype.arraySync;
    tf.Tensor.prototype.dataSync = function (this: tf.Tensor) {
      callers.push(new Error().stack ?? '');
      return original.call(this);
    } as typeof original;
    tf.Tensor.prototype.arraySync = function (this: tf.Tensor) {
      callers.push(`arraySync ${new Error().stack ?? ''}`);
      return originalArray.call(this);
    } as typeof originalArray;
    try {
      tf.tidy(() => tf.scalar(1).dataSync()); // control: the spy records a read
      expect(callers).toHaveLength(1);
      callers.length = 0;
      await generate(model, [[1, 2, 3], [4]], {
        maxNewTokens: 4,
        temperature: 1,
        topP: 0.9,
        seed: 1,
      });
    } finally {
      tf.Tensor.prototype.dataSync = original;
      tf.Tensor.prototype.arraySync = originalArray;
    }
    expect(callers.filter((stack) => !stack.includes('checkIds'))).toEqual([]);
  });

  it('raises on NaN logits', async () => {
    const model = successorModel();
    model.layers[1]?.setWeights([tf.fill([5, 5], Number.NaN)]);
    await expect(generate(model, [0], { maxNewTokens: 2 })).rejects.toThrow(
      "[generate] the model's logits for prompt 0 at new token 0 are NaN or have no finite maximum",
    );
  });

  it.each([
    [[], { maxNewTokens: 1 }, '[generate] prompt must be a non-empty array'],
    [
      [1, 2.5],
      { maxNewTokens: 1 },
      '[generate] prompt[1] must be an integer token id in [0, 5), got 2.5',
    ],
    [
      [Number.NaN],
      { maxNewTokens: 1 },
      '[generate] prompt[0] must be an integer token id in [0, 5), got null',
    ],
    [
      ['1', '2'],
      { maxNewTokens: 1 },
      '[generate] prompt[0] must be an integer token id in [0, 5), got "1"',
    ],
    [[5], { maxNewTokens: 1 }, '[generate] prompt[0] must be an integer token id in [0, 5), got 5'],
    [[[1], []], { maxNewTokens: 1 }, '[generate] prompt[1] must be a non-empty array of token ids'],
    [[1], { maxNewTokens: -1 }, '[generate] maxNewTokens must be a non-negative integer, got -1'],
    [
      [1],
      { maxNewToken: 1 },
      '[generate] unknown option "maxNewToken"; known: maxNewTokens, temperature',
    ],
    [[1], { maxNewTokens: 1, top_k: 3 }, '[generate] unknown option "top_k"'],
    [
      [1],
      { maxNewTokens: 1, temperature: -1 },
      '[generate] temperature must be a finite number ≥ 0, got -1',
    ],
    [[1], { maxNewTokens: 1, topK: 0 }, '[generate] topK must be a positive integer, got 0'],
    [[1], { maxNewTokens: 1, topP: 0 }, '[generate] topP must be a number in (0, 1], got 0'],
    [[1], { maxNewTokens: 1, topP: 1.5 }, '[generate] topP must be a number in (0, 1], got 1.5'],
    [
      [1],
      { maxNewTokens: 1, stop: [9] },
      '[generate] stop[0] must be an integer token id in [0, 5), got 9',
    ],
    [[1], { maxNewTokens: 1, signal: 'x' }, '[generate] signal must be an AbortSignal, got x'],
    [
      [1],
      { maxNewTokens: 1, cache: 'yes' },
      `[generate] cache must be true, false or 'auto', got "yes"`,
    ],
  ])('rejects prompt %j with %j', async (prompt, opts, message) => {
    await expect(generate(successorModel(), prompt as number[], opts as never)).rejects.toThrow(
      message,
    );
  });

  it('says why cache: true cannot be honoured', async () => {
    const ids = tf.input({ shape: [null], dtype: 'int32' });
    const hidden = tf.layers
      .embedding({ inputDim: 5, outputDim: 5 })
      .apply(ids) as tf.SymbolicTensor;
    const model = tf.model({
      inputs: ids,
      outputs: tf.layers
        .simpleRNN({ units: 5, returnSequences: true })
        .apply(hidden) as tf.SymbolicTensor,
    });
    await expect(generate(model, [1], { maxNewTokens: 1, cache: true })).rejects.toThrow(
      '[generate] cache: true, but the model cannot use a key/value cache: layer',
    );
    expect(await generate(model, [1], { maxNewTokens: 2 })).toHaveLength(3); // 'auto' falls back
  });
});

describe('generateStream', () => {
  it('yields the tokens generate returns, one at a time', async () => {
    const model = lm();
    const streamed: number[] = [];
    for await (const token of generateStream(model, [1, 2, 3], { maxNewTokens: 7 }))
      streamed.push(token);
    expect([1, 2, 3, ...streamed]).toEqual(await generate(model, [1, 2, 3], { maxNewTokens: 7 }));
  });

  it('yields one entry per prompt for a batch, null once a prompt stopped', async () => {
    const steps: (number | null)[][] = [];
    for await (const tokens of generateStream(successorModel(), [[0], [2]], {
      maxNewTokens: 4,
      stop: [3],
    }))
      steps.push(tokens);
    expect(steps).toEqual([
      [1, 3],
      [2, null],
      [3, null],
    ]);
  });

  it('frees the cache when the consumer breaks out early', async () => {
    const model = lm();
    const before = liveTensors();
    let n = 0;
    for await (const _ of generateStream(model, [1], { maxNewTokens: 100 })) if (++n === 3) break;
    expect(liveTensors()).toBe(before);
  });
});
