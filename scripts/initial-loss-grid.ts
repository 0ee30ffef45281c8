/**
 * The validation grid of estimateCausalLMInitialLoss: real createCausalLM models, measured with
 * measureInitialLoss on seeded uniform random tokens, next to the estimate for the same options.
 * Used by tests/diagnostics/initial-loss-grid.test.ts (which asserts the error bounds) and by
 * scripts/initial-loss-table.ts (which prints the table in docs/initial-loss.md).
 *
 * Each point is averaged over `seeds` models (the estimate is an expectation over inits) and
 * `rows × (sequenceLength + 1)` tokens per model. The standard error printed next to each
 * measurement is estimated from the spread of the per-model losses.
 */
import * as tf from '@tensorflow/tfjs';
import { type CausalLMOptions, createCausalLM, measureInitialLoss } from 'tiedformer';
import { estimateCausalLMInitialLoss } from 'tiedformer/analysis';

/** One grid point: model options (sizes, head, init) plus the measurement budget. */
export interface GridPoint {
  /** What a reader should see in the table. */
  label: string;
  /** createCausalLM options (without seed). */
  options: CausalLMOptions;
  /** Sequences per model. */
  rows: number;
  /** Models (seeds) averaged. */
  seeds: number;
}

/** Positions per sequence (the model reads 32 tokens and predicts the next of each). */
export const SEQUENCE_LENGTH = 32;

const base = (
  vocabSize: number,
  hiddenSize: number,
  numLayers: number,
  extra: Partial<CausalLMOptions> = {},
): CausalLMOptions => ({
  vocabSize,
  hiddenSize,
  numLayers,
  numHeads: 4,
  intermediateSize: 4 * hiddenSize,
  head: 'tied',
  ...extra,
});

/**
 * Depth 1–12, d 32–512, vocab 256–8192; every head, activation and residualInit; GQA, bias,
 * rotary on and off, `'recommended'` std. Points with `σ·√d` between 1.6 and 8 are left out:
 * there the head-level background formula (not the residual model) is known to be off by up to
 * ~0.3 nats (docs/theory.md, section 4).
 */
export const GRID: GridPoint[] = [
  // The first example: library defaults, d 512, one block.
  { label: 'defaults, d 512', options: base(2000, 512, 1, { numHeads: 8 }), rows: 8, seeds: 2 },
  // A tied head with a large σ and GPT-2's scaled init: the self logit is partly drowned.
  {
    label: 'tied σ 0.1, scaled',
    options: base(8192, 128, 2, { embeddingStd: 0.1 }),
    rows: 16,
    seeds: 2,
  },
  {
    label: 'tied σ 0.1, normal',
    options: base(8192, 128, 2, { embeddingStd: 0.1, residualInit: 'normal' }),
    rows: 16,
    seeds: 2,
  },
  {
    label: 'tied σ 0.1, zero',
    options: base(8192, 128, 2, { embeddingStd: 0.1, residualInit: 'zero' }),
    rows: 16,
    seeds: 2,
  },
  {
    label: 'shuffled σ 0.1, normal',
    options: base(8192, 128, 2, {
      head: 'shuffled',
      embeddingStd: 0.1,
      residualInit: 'normal',
    }),
    rows: 16,
    seeds: 2,
  },
  {
    label: 'ortho σ 0.1, normal',
    options: base(8192, 128, 2, { head: 'ortho', embeddingStd: 0.1, residualInit: 'normal' }),
    rows: 16,
    seeds: 2,
  },
  {
    label: 'untied σ 0.1, normal',
    options: base(8192, 128, 2, { head: 'untied', embeddingStd: 0.1, residualInit: 'normal' }),
    rows: 16,
    seeds: 2,
  },
  // Deep, narrow models: many branches, each drowning the token row a little more.
  {
    label: '12 blocks, gelu, normal',
    options: base(1024, 64, 12, { embeddingStd: 0.15, residualInit: 'normal' }),
    rows: 48,
    seeds: 3,
  },
  {
    label: '12 blocks, relu, scaled',
    options: base(1024, 64, 12, { embeddingStd: 0.15, activation: 'relu' }),
    rows: 48,
    seeds: 3,
  },
  {
    label: '12 blocks, swiglu, normal',
    options: base(1024, 64, 12, {
      embeddingStd: 0.15,
      activation: 'swiglu',
      residualInit: 'normal',
    }),
    rows: 48,
    seeds: 3,
  },
  {
    label: '8 blocks, geglu, normal, no rotary',
    options: base(1024, 64, 8, {
      embeddingStd: 0.15,
      activation: 'geglu',
      residualInit: 'normal',
      rotary: false,
    }),
    rows: 48,
    seeds: 3,
  },
  {
    label: '12 blocks, d 32, n 256',
    options: base(256, 32, 12, { embeddingStd: 0.2, residualInit: 'normal' }),
    rows: 64,
    seeds: 3,
  },
  {
    label: '4 blocks, d 32, initStd 0.1',
    options: base(256, 32, 4, { embeddingStd: 0.2, initStd: 0.1, residualInit: 'scaled' }),
    rows: 64,
    seeds: 3,
  },
  // GQA, bias, defaults elsewhere.
  {
    label: 'GQA 8/2, bias, d 256',
    options: base(4096, 256, 3, {
      numHeads: 8,
      numKeyValueHeads: 2,
      useBias: true,
      embeddingStd: 0.06,
    }),
    rows: 8,
    seeds: 2,
  },
  {
    label: "6 blocks, σ 'recommended'",
    options: base(4096, 128, 6, { embeddingStd: 'recommended', residualInit: 'normal' }),
    rows: 16,
    seeds: 2,
  },
  {
    label: 'GPT-2-like init, d 256, 6 blocks',
    options: base(4096, 256, 6, { rotary: false }),
    rows: 8,
    seeds: 2,
  },
  {
    label: 'd 512, σ 0.05, normal',
    options: base(2048, 512, 2, { numHeads: 8, embeddingStd: 0.05, residualInit: 'normal' }),
    rows: 8,
    seeds: 2,
  },
  // Small, cheap points: the subset the slow cpu backend runs (see cpuSubset).
  ...(['tied', 'shuffled', 'ortho', 'untied'] as const).map((head) => ({
    label: `${head}, d 64, 3 blocks, σ 0.15, normal`,
    options: base(2048, 64, 3, { head, embeddingStd: 0.15, residualInit: 'normal' as const }),
    rows: 24,
    seeds: 2,
  })),
  {
    label: 'shuffled g=8, d 256, σ 0.08, scaled',
    options: base(2048, 256, 4, {
      head: 'shuffled',
      shuffle: { groups: 8 },
      embeddingStd: 0.08,
    }),
    rows: 16,
    seeds: 3,
  },
  // The architectures of the #10 options: LayerNorm with learned absolute positions and
  // tanh-GELU (GPT-2-like), the Gemma-like input scale √d with `x̂·(1 + w)` norms and gated
  // tanh-GELU, headDim ≠ d/h, and separate biases. Appended last so that the seeds of the
  // points above (derived from their index) stay those of the published table.
  {
    label: 'GPT-2-like: LayerNorm, learned positions, gelu_tanh, biases',
    options: base(4096, 128, 4, {
      norm: 'layernorm',
      normEpsilon: 1e-5,
      positionEmbedding: 'learned',
      maxPositions: 64,
      activation: 'gelu_tanh',
      useBias: true,
    }),
    rows: 16,
    seeds: 2,
  },
  {
    label: 'LayerNorm, learned positions std 0.1, σ 0.1, zero',
    options: base(4096, 128, 2, {
      norm: 'layernorm',
      positionEmbedding: 'learned',
      maxPositions: 64,
      embeddingStd: 0.1,
      positionStd: 0.1,
      residualInit: 'zero',
    }),
    rows: 16,
    seeds: 2,
  },
  {
    label: 'Gemma-like: scale √d, unit offset, geglu_tanh, headDim 64, MQA',
    options: base(4096, 128, 4, {
      numKeyValueHeads: 1,
      headDim: 64,
      embeddingScale: Math.sqrt(128),
      normUnitOffset: true,
      activation: 'geglu_tanh',
      normEpsilon: 1e-6,
    }),
    rows: 16,
    seeds: 2,
  },
  {
    label: 'LayerNorm, learned positions std 0.05, gelu_tanh, d 64, normal',
    options: base(2048, 64, 3, {
      norm: 'layernorm',
      positionEmbedding: 'learned',
      maxPositions: 40,
      embeddingStd: 0.15,
      positionStd: 0.05,
      residualInit: 'normal',
      activation: 'gelu_tanh',
    }),
    rows: 24,
    seeds: 2,
  },
  {
    label: 'Gemma-like: scale 8 = √d, unit offset, geglu_tanh, headDim 32, d 64',
    options: base(2048, 64, 3, {
      headDim: 32,
      embeddingScale: 8,
      normUnitOffset: true,
      activation: 'geglu_tanh',
      embeddingStd: 0.05,
      residualInit: 'normal',
    }),
    rows: 24,
    seeds: 2,
  },
  {
    label: 'headDim 8 ≠ d/h, d 64, normal',
    options: base(2048, 64, 3, { headDim: 8, embeddingStd: 0.15, residualInit: 'normal' }),
    rows: 24,
    seeds: 2,
  },
  {
    label: 'qkv and mlp biases, no output bias, rotaryBase 5e5, d 64',
    options: base(2048, 64, 3, {
      qkvBias: true,
      mlpBias: true,
      outputBias: false,
      rotaryBase: 500000,
      embeddingStd: 0.15,
      residualInit: 'normal',
    }),
    rows: 24,
    seeds: 2,
  },
];

/** Forward-pass FLOPs of measuring a point (matrix products only). */
export function gridPointFlops(point: GridPoint): number {
  const o = point.options;
  const d = o.hiddenSize;
  const f = o.intermediateSize;
  const gated =
    o.activation === 'swiglu' || o.activation === 'geglu' || o.activation === 'geglu_tanh';
  const heads = o.numHeads * (o.headDim ?? d / o.numHeads);
  const keyValue = (o.numKeyValueHeads ?? o.numHeads) * (o.headDim ?? d / o.numHeads);
  const attention = 2 * d * heads + 2 * d * keyValue;
  const perToken = 2 * o.numLayers * (attention + (gated ? 3 : 2) * d * f) + 2 * d * o.vocabSize;
  return point.seeds * point.rows * SEQUENCE_LENGTH * perToken;
}

/**
 * The points cheap enough for the pure-JS cpu backend (20–30× slower than wasm here): under
 * 1.5 GFLOP each (nine points, depth ≤ 4). The wasm backend runs the whole grid.
 */
export function cpuSubset(grid: GridPoint[]): GridPoint[] {
  return grid.filter((point) => gridPointFlops(point) < 1.5e9);
}

/** Measured and estimated loss of one grid point. */
export interface GridResult {
  point: GridPoint;
  /** Mean over the seeds of measureInitialLoss. */
  measured: number;
  /** Standard error of `measured`, from the spread over seeds (0 with one seed). */
  standardError: number;
  /** estimateCausalLMInitialLoss(options, { sequenceLength }).loss. */
  estimated: number;
  /** The 2-gram estimate (no residual branches, no positions). */
  twoGram: number;
  /** ln n. */
  uniform: number;
}

/** Builds, measures and disposes the point's models. */
export function measureGridPoint(point: GridPoint, index: number): GridResult {
  const losses: number[] = [];
  for (let s = 0; s < point.seeds; s++) {
    const seed = 100 * index + s + 1;
    const tokens = tf.tidy(
      () =>
        tf
          .randomUniformInt([point.rows, SEQUENCE_LENGTH + 1], 0, point.options.vocabSize, seed)
          .arraySync() as number[][],
    );
    const model = createCausalLM({ ...point.options, seed });
    losses.push(measureInitialLoss(model, tokens));
    model.dispose();
  }
  const measured = losses.reduce((a, b) => a + b, 0) / losses.length;
  const spread =
    losses.length > 1
      ? losses.reduce((a, b) => a + (b - measured) ** 2, 0) / (losses.length - 1)
      : 0;
  const estimate = estimateCausalLMInitialLoss(point.options, { sequenceLength: SEQUENCE_LENGTH });
  return {
    point,
    measured,
    standardError: Math.sqrt(spread / losses.length),
    estimated: estimate.loss,
    twoGram: estimate.twoGramLoss,
    uniform: estimate.uniform,
  };
}
