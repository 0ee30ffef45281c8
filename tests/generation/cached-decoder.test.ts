// Every cached step's logits against the full pass of the same model at the same position:
// the full pass (model.predict on the whole, unpadded sequence) is the independent reference.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { CachedDecoder } from '../../src/generation/cached-decoder.js';
import { TiedLMHead } from '../../src/heads/tied-lm-head.js';
import { normal } from '../../src/init/normal.js';
import { RMSNorm } from '../../src/layers/rms-norm.js';
import { TokenEmbedding } from '../../src/layers/token-embedding.js';
import { TransformerBlock } from '../../src/layers/transformer-block.js';
import type { CausalLMOptions } from '../../src/models/causal-lm-options.js';
import { createCausalLM } from '../../src/models/create-causal-lm.js';

const base = (head: CausalLMOptions['head'], extra: Partial<CausalLMOptions> = {}) =>
  ({
    vocabSize: 40,
    hiddenSize: 16,
    numLayers: 2,
    numHeads: 4,
    intermediateSize: 32,
    head,
    embeddingStd: 0.5,
    initStd: 0.3,
    residualInit: 'normal',
    seed: 3,
    ...extra,
  }) as CausalLMOptions;

/** Full-pass logits of one sequence, [seq, vocab]. */
async function fullPass(model: tf.LayersModel, ids: number[]): Promise<number[][]> {
  const out = model.predict(tf.tensor2d([ids], [1, ids.length], 'int32')) as tf.Tensor;
  const rows = ((await out.array()) as number[][][])[0] as number[][];
  out.dispose();
  return rows;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let worst = 0;
  for (let i = 0; i < a.length; i++)
    worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
};

// Two prompts of different lengths (the shorter is left-padded), then 4 fed tokens per row.
const prompts = [
  [3, 17, 5, 22, 9],
  [11, 2],
];
const fed = [
  [7, 30, 1, 39],
  [0, 25, 25, 13],
];

/** Prefill + 4 cached steps of a padded batch, each compared with the full pass (1e-5). */
async function expectCachedEqualsFull(model: tf.LayersModel): Promise<void> {
  const before = tf.memory().numTensors;
  const decoder = new CachedDecoder(model, { maxLength: 16 });
  const got: Float32Array[][] = [[], []]; // per row, per position from the prompt's end
  const first = decoder.prefill(prompts);
  const firstData = (await first.data()) as Float32Array;
  first.dispose();
  for (let b = 0; b < 2; b++) got[b]?.push(firstData.slice(b * 40, (b + 1) * 40));
  for (let s = 0; s < fed[0]!.length; s++) {
    const next = decoder.step(fed.map((f) => f[s] as number));
    const data = (await next.data()) as Float32Array;
    next.dispose();
    for (let b = 0; b < 2; b++) got[b]?.push(data.slice(b * 40, (b + 1) * 40));
  }
  decoder.dispose();
  expect(tf.memory().numTensors).toBe(before);
  for (let b = 0; b < 2; b++) {
    const sequence = [...(prompts[b] as number[]), ...(fed[b] as number[])];
    const reference = await fullPass(model, sequence);
    const offset = (prompts[b] as number[]).length - 1;
    (got[b] as Float32Array[]).forEach((logits, s) => {
      expect(maxDiff(logits, reference[offset + s] as number[])).toBeLessThan(1e-5);
      // Negative control: the neighbouring position differs far beyond the tolerance.
      expect(maxDiff(logits, reference[offset + s - 1] as number[])).toBeGreaterThan(1e-3);
    });
  }
}

describe('CachedDecoder', () => {
  const heads = ['tied', 'shuffled', 'ortho', 'untied'] as const;
  const kvHeads = [4, 2, 1]; // MHA, GQA with 2 and with 1 key/value head
  for (const head of heads) {
    for (const numKeyValueHeads of kvHeads) {
      it(`equals the full pass at every position (head ${head}, ${numKeyValueHeads} kv heads, padded batch)`, async () => {
        const model = createCausalLM(base(head, { numKeyValueHeads }));
        await expectCachedEqualsFull(model);
        model.dispose();
      });
    }
  }

  // Architectures of the Hugging Face importers (#10): learned absolute positions go through
  // PositionEmbedding.callAtPositions, LayerNorm and biases through the layers' own code.
  const architectures: [string, Partial<CausalLMOptions>][] = [
    [
      'GPT-2-like: LayerNorm, learned positions, biases, tanh GELU',
      {
        norm: 'layernorm',
        positionEmbedding: 'learned',
        maxPositions: 16,
        positionStd: 0.5,
        useBias: true,
        activation: 'gelu_tanh',
      },
    ],
    [
      'Gemma-like: embedding scale, (1 + w) RMSNorm, tanh GeGLU, GQA, headDim ≠ d/h',
      {
        embeddingScale: 4,
        normUnitOffset: true,
        activation: 'geglu_tanh',
        numKeyValueHeads: 1,
        headDim: 8,
      },
    ],
    [
      'Qwen2-like: q/k/v biases only, rotary base 1e6',
      {
        qkvBias: true,
        rotaryBase: 1e6,
        numKeyValueHeads: 2,
        activation: 'swiglu',
      },
    ],
  ];
  for (const [name, extraOptions] of architectures) {
    it(`equals the full pass at every position (${name})`, async () => {
      const model = createCausalLM(base('tied', extraOptions));
      await expectCachedEqualsFull(model);
      model.dispose();
    });
  }

  it('grows the cache past a block and stays equal to the full pass', async () => {
    const model = createCausalLM(base('tied', { numKeyValueHeads: 2, numLayers: 1 }));
    const decoder = new CachedDecoder(model, { maxLength: 300 });
    const prompt = Array.from({ length: 254 }, (_, i) => (i * 7) % 40);
    tf.dispose(decoder.prefill([prompt]));
    // K = 2, headDim 4: exactly the positions written on cpu and wasm, else a block of 256.
    const exact = ['cpu', 'wasm'].includes(tf.getBackend());
    expect(decoder.bytes).toBe(2 * 2 * 4 * (exact ? 254 : 256) * 4);
    const sequence = [...prompt];
    let last: Float32Array | undefined;
    for (const t of [5, 6, 7, 8]) {
      const logits = decoder.step([t]);
      last = (await logits.data()) as Float32Array;
      logits.dispose();
      sequence.push(t);
    }
    expect(decoder.length).toBe(258);
    expect(decoder.bytes).toBe(2 * 2 * 4 * (exact ? 258 : 300) * 4); // grown (to maxLength)
    const reference = await fullPass(model, sequence);
    expect(maxDiff(last as Float32Array, reference[sequence.length - 1] as number[])).toBeLessThan(
      1e-5,
    );
    expect(() => {
      for (let i = 0; i < 50; i++) tf.dispose(decoder.step([1]));
    }).toThrow('[CachedDecoder] the context is full (maxLength 300)');
    decoder.dispose();
    model.dispose();
  });

  it('drives a model with a fixed seqLen at any context length', async () => {
    const model = createCausalLM(base('tied', { seqLen: 8 }));
    const decoder = new CachedDecoder(model, { maxLength: 8 });
    const logits = decoder.prefill([[1, 2, 3]]);
    expect(logits.shape).toEqual([1, 40]);
    tf.dispose([logits, decoder.step([4])]);
    decoder.dispose();
  });

  it('hands learned absolute positions to a position-aware layer (padded batch)', async () => {
    /** x + P[position]: in `call` positions 0 … seq−1, in a cached step the step's own. */
    class LearnedPositions extends tf.layers.Layer {
      static readonly className = 'TestLearnedPositions';
      private table?: tf.LayerVariable;
      override build(): void {
        this.table = this.addWeight(
          'table',
          [16, 16],
          'float32',
          tf.initializers.randomNormal({ stddev: 1, seed: 2 }),
        );
      }
      private rows(positions: Int32Array, batch: number, seq: number) {
        const rows = tf.gather(
          (this.table as tf.LayerVariable).read(),
          tf.tensor1d(positions, 'int32'),
        );
        return tf.reshape(rows, [batch, seq, 16]);
      }
      override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
        const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor;
        const [batch, seq] = x.shape as [number, number, number];
        const positions = Int32Array.from({ length: batch * seq }, (_, i) => i % seq);
        return tf.tidy(() => tf.add(x, this.rows(positions, batch, seq)));
      }
      callAtPositions(x: tf.Tensor, positions: Int32Array): tf.Tensor {
        const [batch, seq] = x.shape as [number, number, number];
        return tf.tidy(() => tf.add(x, this.rows(positions, batch, seq)));
      }
    }
    const embedding = new TokenEmbedding({
      vocabSize: 40,
      hiddenSize: 16,
      embeddingsInitializer: normal({ std: 0.5, seed: 6 }),
    });
    const ids = tf.input({ shape: [null], dtype: 'int32' });
    let h = new LearnedPositions({}).apply(embedding.apply(ids)) as tf.SymbolicTensor;
    h = new TransformerBlock({ numHeads: 4, intermediateSize: 32, initStd: 0.3, seed: 4 }).apply(
      h,
    ) as tf.SymbolicTensor;
    const logits = new TiedLMHead({ embedding }).apply(
      new RMSNorm({}).apply(h),
    ) as tf.SymbolicTensor;
    const model = tf.model({ inputs: ids, outputs: logits });
    expect(CachedDecoder.unsupported(model)).toBeUndefined();
    const decoder = new CachedDecoder(model, { maxLength: 16 });
    const first = decoder.prefill(prompts);
    const next = decoder.step(fed.map((f) => f[0] as number));
    const [a, b] = [(await first.data()) as Float32Array, (await next.data()) as Float32Array];
    tf.dispose([first, next]);
    decoder.dispose();
    for (let row = 0; row < 2; row++) {
      const sequence = [...(prompts[row] as number[]), fed[row]?.[0] as number];
      const reference = await fullPass(model, sequence);
      const n = (prompts[row] as number[]).length;
      expect(maxDiff(a.slice(row * 40, (row + 1) * 40), reference[n - 1] as number[])).toBeLessThan(
        1e-5,
      );
      expect(maxDiff(b.slice(row * 40, (row + 1) * 40), reference[n] as number[])).toBeLessThan(
        1e-5,
      );
    }
  });

  it('says which layer it cannot drive', () => {
    const ids = tf.input({ shape: [null], dtype: 'int32' });
    const hidden = tf.layers
      .embedding({ inputDim: 5, outputDim: 4 })
      .apply(ids) as tf.SymbolicTensor;
    const mixed = tf.layers.simpleRNN({ units: 4, returnSequences: true }).apply(hidden);
    const model = tf.model({ inputs: ids, outputs: mixed as tf.SymbolicTensor });
    expect(CachedDecoder.unsupported(model)).toMatch(
      /SimpleRNN\) is not known to act on each position alone/,
    );
    expect(() => new CachedDecoder(model, { maxLength: 4 })).toThrow(
      '[CachedDecoder] cannot decode this model with a key/value cache: layer',
    );
    expect(CachedDecoder.unsupported(createCausalLM(base('tied')))).toBeUndefined();
  });
});
