import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { causalMask } from '../../src/backend/causal-mask.js';
import {
  createCausalLM,
  FFN,
  loadModel,
  MultiHeadAttention,
  measureInitialLoss,
  normal,
  OrthoProjectionHead,
  orthogonal,
  RMSNorm,
  ShuffledTiedHead,
  scaledResidual,
  sparseSoftmaxCrossEntropy,
  TiedLMHead,
  TokenEmbedding,
  TransformerBlock,
  tiedNormal,
  UntiedLMHead,
  verifyTie,
} from '../../src/index.js';
import { fileSystem } from '../../src/node/file-system.js';

// Property: every public constructor and function, given one bad option, one misspelt option,
// or one bad input, either returns a result or throws an error whose message names the class
// or function in brackets; it never leaks a tensor, and the backend still computes afterwards.
// Each failing case is collected (not shrunk) so the whole list shows at once.

type Options = Record<string, unknown>;

/** Values no option of ours accepts (the keys below exclude the few that take strings). */
const BAD_VALUES: unknown[] = [
  -1,
  0,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  1e10,
  'bogus',
  '',
  null,
  [],
  {},
  [1, 2],
  { className: 'NoSuchInitializer', config: {} },
];

interface Target {
  /** Name the error message must carry, `[owner]`. */
  owner: string;
  /** Options that work. */
  valid: () => Options;
  /** Keys whose replacement by any BAD_VALUES entry must be rejected. */
  strict: string[];
  /** Constructs (and, for layers, applies to a valid input); returns tensors to dispose. */
  run: (options: Options) => void;
}

const embedding16 = () => {
  const embedding = new TokenEmbedding({ vocabSize: 12, hiddenSize: 8 });
  embedding.build([1]);
  return embedding;
};

const applyTo = (layer: tf.layers.Layer, x: tf.Tensor) => {
  try {
    tf.dispose(layer.apply(x) as tf.Tensor);
  } finally {
    x.dispose();
    for (const w of layer.weights) w.dispose();
  }
};

const TARGETS: Target[] = [
  {
    owner: 'RMSNorm',
    valid: () => ({ epsilon: 1e-5, center: true, scale: true }),
    strict: ['epsilon', 'center', 'scale'],
    run: (o) => applyTo(new RMSNorm(o), tf.ones([2, 3, 8])),
  },
  {
    owner: 'FFN',
    valid: () => ({ intermediateSize: 16, activation: 'swiglu', useBias: true }),
    strict: ['intermediateSize', 'activation', 'useBias', 'kernelInitializer', 'outputInitializer'],
    run: (o) => applyTo(new FFN(o as never), tf.ones([2, 3, 8])),
  },
  {
    owner: 'MultiHeadAttention',
    valid: () => ({ numHeads: 2, numKeyValueHeads: 1, causal: true, rotary: true, dropout: 0.1 }),
    strict: [
      'numHeads',
      'numKeyValueHeads',
      'headDim',
      'causal',
      'useBias',
      'dropout',
      'scale',
      'rotary',
      'rotaryBase',
      'kernelInitializer',
      'outputInitializer',
    ],
    run: (o) => applyTo(new MultiHeadAttention(o as never), tf.ones([2, 3, 8])),
  },
  {
    owner: 'TokenEmbedding',
    valid: () => ({ vocabSize: 12, hiddenSize: 8, scale: 2 }),
    strict: ['vocabSize', 'hiddenSize', 'scale', 'embeddingsInitializer'],
    run: (o) => applyTo(new TokenEmbedding(o as never), tf.tensor2d([[1, 2]], [1, 2], 'int32')),
  },
  {
    owner: 'TransformerBlock',
    valid: () => ({ numHeads: 2, intermediateSize: 16, residualInit: 'scaled', numLayers: 2 }),
    strict: [
      'numHeads',
      'numKeyValueHeads',
      'headDim',
      'intermediateSize',
      'activation',
      'causal',
      'useBias',
      'epsilon',
      'dropout',
      'rotary',
      'initStd',
      'residualInit',
      'numLayers',
      'seed',
    ],
    run: (o) => applyTo(new TransformerBlock(o as never), tf.ones([2, 3, 8])),
  },
  {
    owner: 'TiedLMHead',
    valid: () => ({ embedding: embedding16(), useBias: true, logitScale: 2, logitSoftCap: 30 }),
    strict: ['useBias', 'logitScale', 'logitSoftCap'],
    run: (o) => applyTo(new TiedLMHead(o as never), tf.ones([2, 8])),
  },
  {
    owner: 'ShuffledTiedHead',
    valid: () => ({ embedding: embedding16(), shuffle: { groups: 2 } }),
    strict: ['shuffle'],
    run: (o) => applyTo(new ShuffledTiedHead(o as never), tf.ones([2, 8])),
  },
  {
    owner: 'OrthoProjectionHead',
    valid: () => ({ embedding: embedding16(), useBias: true, activation: 'gelu', norm: true }),
    strict: ['useBias', 'activation', 'norm', 'seed'],
    run: (o) => applyTo(new OrthoProjectionHead(o as never), tf.ones([2, 8])),
  },
  {
    owner: 'UntiedLMHead',
    valid: () => ({ vocabSize: 12, useBias: true }),
    strict: ['vocabSize', 'useBias', 'kernelInitializer'],
    run: (o) => applyTo(new UntiedLMHead(o as never), tf.ones([2, 8])),
  },
  {
    owner: 'normal',
    valid: () => ({ std: 0.1, seed: 1 }),
    strict: ['std', 'seed'],
    run: (o) =>
      normal(o as never)
        .apply([2, 2])
        .dispose(),
  },
  {
    owner: 'orthogonal',
    valid: () => ({ gain: 2, seed: 1 }),
    strict: ['gain', 'seed'],
    run: (o) =>
      orthogonal(o as never)
        .apply([2, 2])
        .dispose(),
  },
  {
    owner: 'ScaledResidual',
    valid: () => ({ std: 0.1, numLayers: 2, seed: 1 }),
    strict: ['std', 'numLayers', 'seed'],
    run: (o) =>
      scaledResidual(o as never)
        .apply([2, 2])
        .dispose(),
  },
  {
    owner: 'TiedNormal',
    valid: () => ({ vocabSize: 12, hiddenSize: 8, seed: 1 }),
    strict: ['vocabSize', 'hiddenSize', 'seed'],
    run: (o) =>
      tiedNormal(o as never)
        .apply([12, 8])
        .dispose(),
  },
  {
    owner: 'createCausalLM',
    valid: () => ({
      vocabSize: 12,
      hiddenSize: 8,
      numLayers: 1,
      numHeads: 2,
      intermediateSize: 16,
      head: 'tied',
      seed: 3,
    }),
    strict: [
      'vocabSize',
      'hiddenSize',
      'numLayers',
      'numHeads',
      'numKeyValueHeads',
      'intermediateSize',
      'activation',
      'head',
      'shuffle',
      'embeddingStd',
      'initStd',
      'residualInit',
      'rotary',
      'useBias',
      'dropout',
      'headBias',
      'logitSoftCap',
      'seed',
    ],
    run: (o) => {
      const model = createCausalLM(o as never);
      const ids = tf.tensor2d([[1, 2, 3]], [1, 3], 'int32');
      tf.dispose([ids, model.predict(ids) as tf.Tensor]);
      model.dispose();
    },
  },
];

/** Misspellings a user makes: a typo of a real key, or another library's name. */
const MISSPELT = ['rotory', 'topk', 'epsilon_', 'numHead', 'hidden_size', 'vocab', 'biasx'];

type Mutation =
  | { kind: 'bad'; target: number; key: string; value: unknown }
  | { kind: 'unknown'; target: number; key: string }
  | { kind: 'notObject'; target: number; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc
  .integer({ min: 0, max: TARGETS.length - 1 })
  .chain((target) => {
    const t = TARGETS[target] as Target;
    return fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant('bad' as const),
          target: fc.constant(target),
          key: fc.constantFrom(...t.strict),
          value: fc.constantFrom(...BAD_VALUES),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('unknown' as const),
          target: fc.constant(target),
          key: fc.constantFrom(...MISSPELT),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('notObject' as const),
          target: fc.constant(target),
          value: fc.constantFrom(undefined, null, 5, 'x', [] as unknown),
        }),
      },
    );
  });

/** A value some target accepts for some key: not every BAD_VALUES entry is bad everywhere. */
function acceptable(m: Mutation): boolean {
  // These two document `{}` as their default argument.
  const defaulted = ['RMSNorm', 'orthogonal'];
  if (m.kind === 'notObject')
    return m.value === undefined && defaulted.includes((TARGETS[m.target] as Target).owner);
  if (m.kind !== 'bad') return false;
  const { owner } = TARGETS[m.target] as Target;
  const v = m.value;
  // 1.5 is a fine std, scale, gain, cap or epsilon; 0 a fine seed or dropout.
  const positiveReal = ['std', 'scale', 'gain', 'logitScale', 'logitSoftCap', 'epsilon'];
  const positiveRealKeys = [...positiveReal, 'initStd', 'embeddingStd', 'rotaryBase'];
  if (v === 1.5 && positiveRealKeys.includes(m.key)) return true;
  if (v === 1e10 && positiveRealKeys.includes(m.key)) return true;
  if (v === 0 && (m.key === 'seed' || m.key === 'dropout')) return true;
  if (v === 1e10 && (m.key === 'seed' || (owner === 'ScaledResidual' && m.key === 'numLayers')))
    return true;
  return false;
}

interface Outcome {
  clear: boolean;
  accepted: boolean;
  leaked: number;
  message: string;
}

function tryCase(m: Mutation): Outcome {
  const t = TARGETS[m.target] as Target;
  // Built outside the count: the heads' embedding is part of the valid options.
  const base = t.valid();
  const options =
    m.kind === 'bad'
      ? { ...base, [m.key]: m.value }
      : m.kind === 'unknown'
        ? { ...base, [m.key]: 1 }
        : m.value;
  const before = tf.memory().numTensors;
  let outcome: Outcome;
  try {
    t.run(options as Options);
    outcome = { clear: false, accepted: true, leaked: 0, message: '' };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    outcome = {
      clear: message.startsWith(`[${t.owner}]`) || message.includes(`[${t.owner}]`),
      accepted: false,
      leaked: 0,
      message,
    };
  }
  outcome.leaked = tf.memory().numTensors - before;
  const embedding = (base as { embedding?: tf.layers.Layer }).embedding;
  for (const w of embedding?.weights ?? []) w.dispose();
  return outcome;
}

function backendStillComputes(): boolean {
  const product = tf.tidy(() => tf.matMul(tf.ones([2, 2]), tf.ones([2, 2])).dataSync());
  return Array.from(product).every((v) => v === 2);
}

const describeCase = (m: Mutation) => {
  const owner = (TARGETS[m.target] as Target).owner;
  if (m.kind === 'bad') return `${owner} ${m.key}=${JSON.stringify(m.value) ?? String(m.value)}`;
  if (m.kind === 'unknown') return `${owner} unknown option ${m.key}`;
  return `${owner}(${JSON.stringify(m.value) ?? 'undefined'})`;
};

describe('fuzz: public constructors and functions', () => {
  it('reject every bad or misspelt option clearly, without a leak', () => {
    // The causal mask of each length is built once and kept on purpose (shared by every
    // layer): warm it so that it does not count as a leak of the first causal case.
    causalMask(3);
    const cases = fc.sample(mutation, { numRuns: 400, seed: 13 });
    const failures: string[] = [];
    let clear = 0;
    let accepted = 0;
    for (const m of cases) {
      const outcome = tryCase(m);
      const label = describeCase(m);
      if (outcome.accepted) {
        accepted++;
        if (!acceptable(m)) failures.push(`${label}: accepted silently`);
      } else if (outcome.clear) clear++;
      else failures.push(`${label}: unclear error: ${outcome.message.slice(0, 160)}`);
      if (outcome.leaked !== 0) failures.push(`${label}: leaked ${outcome.leaked} tensors`);
    }
    expect(backendStillComputes()).toBe(true);
    console.info(
      `fuzz options: ${cases.length} cases, ${clear} clear errors, ${accepted} accepted (valid values), ${failures.length} failures`,
    );
    expect([...new Set(failures)]).toEqual([]);
  });
});

// Bad inputs (tensors, token arrays, models, sources) to the public functions and layer calls.
// Each entry makes its arguments lazily, so every case starts from fresh tensors.
type Make = () => unknown;
const t = {
  ids: (values: number[][]) => () => tf.tensor2d(values, undefined, 'int32'),
  float: (shape: number[]) => () => tf.ones(shape),
};
const tinyModel = () =>
  createCausalLM({
    vocabSize: 12,
    hiddenSize: 8,
    numLayers: 1,
    numHeads: 2,
    intermediateSize: 8,
    head: 'tied',
    seed: 1,
  });

interface CallTarget {
  owner: string;
  /** Pools of candidate arguments, one per parameter. */
  pools: Make[][];
  call: (...args: unknown[]) => unknown;
}

const CALLS: CallTarget[] = [
  {
    owner: 'sparseSoftmaxCrossEntropy',
    pools: [
      [
        () => tf.tensor1d([1, 2], 'int32'),
        () => tf.tensor1d([1, 5], 'int32'),
        () => tf.tensor1d([-1, 0], 'int32'),
        () => tf.tensor1d([1, 2, 3], 'int32'),
        () => tf.tensor1d([1, 2]),
        () => tf.zeros([0], 'int32'),
        () => undefined,
        () => 3,
      ],
      [t.float([2, 5]), t.float([0, 5]), t.float([5]), () => tf.ones([2, 5], 'int32'), () => null],
    ],
    call: (labels, logits) =>
      tf.dispose(sparseSoftmaxCrossEntropy(labels as tf.Tensor, logits as tf.Tensor)),
  },
  {
    owner: 'measureInitialLoss',
    pools: [
      [tinyModel, () => undefined, () => ({})],
      [
        () => [[1, 2, 3]],
        () => [],
        () => [[1]],
        () => [[1, 2], [1]],
        () => [[1, 2.5]],
        () => [[1, Number.NaN]],
        () => [[1, 1e10]],
        () => [[1, -1]],
        () => [['1', '2']],
        () => 'tokens',
        () => null,
        t.ids([[1, 2, 12]]),
        () => tf.tensor2d([[1.5, 2]]),
      ],
      [() => 8, () => 0, () => 1.5, () => Number.NaN, () => 'x'],
    ],
    call: (model, tokens, batchSize) =>
      measureInitialLoss(model as tf.LayersModel, tokens as number[][], batchSize as number),
  },
  {
    owner: 'verifyTie',
    pools: [[() => undefined, () => null, () => ({}), () => 5, tinyModel]],
    call: (model) => verifyTie(model as tf.LayersModel),
  },
  {
    owner: 'TokenEmbedding',
    pools: [
      [
        t.ids([[1, 2]]),
        () => tf.zeros([1, 0], 'int32'),
        () => tf.zeros([0, 2], 'int32'),
        t.float([1, 4]),
        t.float([1, 3]),
        () => tf.tensor1d([true], 'bool'),
        t.ids([[1, 10]]),
        t.ids([[-1, 0]]),
        () => tf.tensor([['a']]),
        () => tf.input({ shape: [4] }),
        () => tf.input({ shape: [3] }),
        () => [],
      ],
    ],
    call: (input) => {
      const embedding = new TokenEmbedding({ vocabSize: 10, hiddenSize: 4 });
      try {
        const out = embedding.apply(input as tf.Tensor);
        if (out instanceof tf.Tensor) out.dispose();
      } finally {
        for (const w of embedding.weights) w.dispose();
      }
    },
  },
  {
    owner: 'MultiHeadAttention',
    pools: [
      [
        t.float([2, 3, 8]),
        t.float([2, 3]),
        t.float([2, 0, 8]),
        t.float([0, 3, 8]),
        t.float([2, 3, 6]),
      ],
      [
        () => undefined,
        () =>
          tf.tensor2d([
            [1, 1, 0],
            [1, 1, 1],
          ]),
        () =>
          tf.tensor2d([
            [1, 1, 0.5],
            [1, 1, 1],
          ]),
        () =>
          tf.tensor2d([
            [1, Number.NaN, 1],
            [1, 1, 1],
          ]),
        () =>
          tf.tensor2d([
            [1, 1],
            [1, 1],
          ]),
        () =>
          tf.tensor([
            ['1', '1', '1'],
            ['1', '1', '1'],
          ]),
        () => tf.ones([2, 3, 1]),
      ],
    ],
    call: (x, mask) => {
      const attention = new MultiHeadAttention({ numHeads: 2, causal: true });
      try {
        tf.tidy(() => attention.apply(tf.ones([2, 3, 8])) as tf.Tensor).dispose();
        const input = mask === undefined ? x : [x, mask];
        tf.dispose(attention.apply(input as tf.Tensor) as tf.Tensor);
      } finally {
        for (const w of attention.weights) w.dispose();
      }
    },
  },
  {
    owner: 'loadModel',
    pools: [
      [
        () => undefined,
        () => null,
        () => 5,
        () => ({}),
        () => ({ load: 5 }),
        () => 'file:///nonexistent/tiedformer/model.json',
        () => fileSystem('/nonexistent/tiedformer'),
        () => tf.io.fromMemory({ modelTopology: { bogus: true } }),
      ],
    ],
    call: (source) => loadModel(source as string),
  },
];

const callCase = fc.integer({ min: 0, max: CALLS.length - 1 }).chain((target) =>
  fc.record({
    target: fc.constant(target),
    picks: fc.tuple(
      ...(CALLS[target] as CallTarget).pools.map((pool) =>
        fc.integer({ min: 0, max: pool.length - 1 }),
      ),
    ),
  }),
);

function disposeAll(values: unknown[]) {
  for (const v of values) {
    if (v instanceof tf.Tensor) v.dispose();
    else if (v instanceof tf.LayersModel) v.dispose();
  }
}

describe('fuzz: bad inputs to public functions and layer calls', () => {
  it('give a result or a clear error, without a leak', async () => {
    causalMask(2); // measureInitialLoss reads sequences of 3 as 2 inputs
    causalMask(3);
    const cases = fc.sample(callCase, { numRuns: 300, seed: 13 });
    const failures: string[] = [];
    let clear = 0;
    let results = 0;
    for (const { target, picks } of cases) {
      const c = CALLS[target] as CallTarget;
      const label = `${c.owner}(${picks.join(', ')})`;
      const before = tf.memory().numTensors;
      const args = picks.map((pick, i) => ((c.pools[i] as Make[])[pick] as Make)());
      const made = tf.memory().numTensors - before;
      try {
        await c.call(...args);
        results++;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // loadModel passes on the IO handler's own named errors ([fileSystem] ...).
        const owners = c.owner === 'loadModel' ? ['loadModel', 'fileSystem'] : [c.owner];
        if (owners.some((owner) => message.includes(`[${owner}]`))) clear++;
        else failures.push(`${label}: unclear error: ${message.slice(0, 160)}`);
      }
      disposeAll(args);
      const leaked = tf.memory().numTensors - before;
      if (leaked !== 0) failures.push(`${label}: leaked ${leaked} tensors (args made ${made})`);
    }
    expect(backendStillComputes()).toBe(true);
    console.info(
      `fuzz inputs: ${cases.length} cases, ${clear} clear errors, ${results} results, ${failures.length} failures`,
    );
    expect([...new Set(failures)]).toEqual([]);
  });
});
