import { CAUSAL_LM_OPTION_NAMES } from '../analysis/causal-lm-option-names.js';
import { countParams } from '../analysis/count-params.js';
import { knownOptions } from '../analysis/known-options.js';
import { resolveModelConfig } from '../analysis/model-config.js';
import { shufflePermutation } from '../analysis/shuffle-permutation.js';
import {
  boolean,
  fail,
  nonNegativeInteger,
  oneOf,
  positiveInteger,
  positiveNumber,
} from '../analysis/validation.js';
import { checkWeightSize } from '../layers/weight-size.js';
import { type CausalLMOptions, causalLMConfig } from './causal-lm-options.js';

/** Most parameters a model may have: 2^30 float32 values, 4 GiB (the wasm heap's ceiling). */
const MAX_PARAMS = 2 ** 30;

/**
 * Checks every option of {@link createCausalLM} before a single weight exists, under
 * `[createCausalLM]`: the builder creates the embedding first and each block after, so an
 * option rejected later (by a block, a head) would leak what was already built. Also refuses a
 * model whose weights could not be allocated (one weight over 1 GiB, or over 2^30 parameters
 * in all), which would otherwise fail deep in tfjs, or, for a huge `numLayers`, never return.
 *
 * @internal
 */
export function validateCausalLMOptions(opts: CausalLMOptions): void {
  const owner = 'createCausalLM';
  knownOptions(owner, opts, CAUSAL_LM_OPTION_NAMES, { nullable: ['seqLen'] });
  // Loosely typed: some options arrive with the checkpoint options of CONTRACT.md (#10).
  const o = opts as unknown as Record<string, unknown>;
  const head = oneOf(owner, 'head', o.head, ['tied', 'shuffled', 'ortho', 'untied'] as const);
  const activations = ['gelu', 'relu', 'swiglu', 'geglu', 'gelu_tanh', 'geglu_tanh'];
  if (o.activation !== undefined) oneOf(owner, 'activation', o.activation, activations);
  const bools = ['rotary', 'useBias', 'qkvBias', 'outputBias', 'mlpBias', 'headBias'];
  for (const name of [...bools, 'normUnitOffset'])
    if (o[name] !== undefined) boolean(owner, name, o[name]);
  for (const name of ['initStd', 'positionStd', 'rotaryBase', 'normEpsilon', 'embeddingScale'])
    if (o[name] !== undefined) positiveNumber(owner, name, o[name]);
  if (o.embeddingStd !== undefined && o.embeddingStd !== 'recommended')
    positiveNumber(owner, 'embeddingStd', o.embeddingStd);
  if (o.logitSoftCap !== undefined) positiveNumber(owner, 'logitSoftCap', o.logitSoftCap);
  if (o.seqLen != null) positiveInteger(owner, 'seqLen', o.seqLen);
  if (o.maxPositions !== undefined) positiveInteger(owner, 'maxPositions', o.maxPositions);
  if (o.residualInit !== undefined)
    oneOf(owner, 'residualInit', o.residualInit, ['normal', 'scaled', 'zero']);
  if (o.norm !== undefined) oneOf(owner, 'norm', o.norm, ['rmsnorm', 'layernorm']);
  if (o.positionEmbedding !== undefined) {
    const kind = oneOf(owner, 'positionEmbedding', o.positionEmbedding, [
      'rotary',
      'learned',
      'none',
    ]);
    if (o.rotary !== undefined && (kind === 'rotary') !== o.rotary)
      fail(owner, `rotary: ${o.rotary} contradicts positionEmbedding '${kind}'`);
    if (kind === 'learned' && o.maxPositions === undefined)
      fail(owner, `maxPositions is required when positionEmbedding is 'learned'`);
  }
  const dropout = o.dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1))
    fail(owner, `dropout must be in [0, 1), got ${JSON.stringify(dropout)}`);
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name.length === 0))
    fail(owner, `name must be a non-empty string, got ${JSON.stringify(o.name)}`);
  if (o.seed !== undefined) {
    const seed = nonNegativeInteger(owner, 'seed', o.seed);
    // Block i is seeded with seed + 1000·(i + 1).
    if (!Number.isSafeInteger(seed + 1000 * ((o.numLayers as number) + 1)))
      fail(owner, `seed ${seed} is too large to derive the blocks' seeds from`);
  }
  if (o.shuffle !== undefined && head !== 'shuffled')
    fail(owner, `shuffle only applies to head 'shuffled', got head '${head}'`);
  if (o.logitSoftCap !== undefined && head !== 'tied')
    fail(owner, `logitSoftCap only applies to head 'tied', got head '${head}'`);
  if (o.headBias === true && head !== 'tied' && head !== 'untied')
    fail(owner, `headBias only applies to heads 'tied' and 'untied', got head '${head}'`);
  // Sizes and their relations (divisibility, grouped-query heads), as the analysis module knows them.
  const config = resolveModelConfig(causalLMConfig(opts), owner);
  if (head === 'shuffled') {
    try {
      shufflePermutation(config.hiddenSize, (o.shuffle ?? 'swap-halves') as never);
    } catch (error) {
      fail(owner, `shuffle: ${(error as Error).message.replace('[shufflePermutation] ', '')}`);
    }
  }
  const { vocabSize, hiddenSize, intermediateSize, numHeads, headDim } = config;
  checkWeightSize(owner, 'the embedding E', [vocabSize, hiddenSize]);
  checkWeightSize(owner, 'an FFN matrix', [hiddenSize, intermediateSize]);
  checkWeightSize(owner, 'the query kernel', [hiddenSize, numHeads * headDim]);
  const total = countParams(causalLMConfig(opts)).total;
  if (total > MAX_PARAMS)
    fail(owner, `the model would have ${total} parameters, more than ${MAX_PARAMS} (4 GiB)`);
}
