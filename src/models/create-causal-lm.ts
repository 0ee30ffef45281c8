import * as tf from '@tensorflow/tfjs';
import { resolveModelConfig } from '../analysis/model-config.js';
import { recommendedTiedStd } from '../analysis/recommended-tied-std.js';
import { boolean, fail, oneOf, positiveInteger, positiveNumber } from '../analysis/validation.js';
import { OrthoProjectionHead } from '../heads/ortho-projection-head.js';
import { ShuffledTiedHead } from '../heads/shuffled-tied-head.js';
import { TiedLMHead } from '../heads/tied-lm-head.js';
import { UntiedLMHead } from '../heads/untied-lm-head.js';
import { normal } from '../init/normal.js';
import { LayerNorm } from '../layers/layer-norm.js';
import { PositionEmbedding } from '../layers/position-embedding.js';
import { RMSNorm } from '../layers/rms-norm.js';
import { TokenEmbedding } from '../layers/token-embedding.js';
import { TransformerBlock } from '../layers/transformer-block.js';
import {
  type CausalLMOptions,
  causalLMConfig,
  resolvePositionEmbedding,
} from './causal-lm-options.js';
import { validateCausalLMOptions } from './validate-causal-lm-options.js';

/**
 * Builds a decoder-only language model from tiedformer's layers:
 *
 * `ids → TokenEmbedding (× embeddingScale) [→ + PositionEmbedding] → L × TransformerBlock
 * (pre-norm, causal) → RMSNorm or LayerNorm → head → logits`
 *
 * Input: int32 token ids `[batch, seqLen]`; output: logits `[batch, seqLen, vocabSize]`.
 * The head is a {@link TiedLMHead}, {@link ShuffledTiedHead}, {@link OrthoProjectionHead}
 * (each reusing the embedding's `E`) or an {@link UntiedLMHead}. The model trains with
 * `model.fitDataset` / {@link fitSparse} or a custom loop (see {@link trainStep}), saves and loads with
 * any tfjs IO handler, and `model.countParams()` equals
 * `countParams(causalLMConfig(opts)).total`.
 *
 * @param opts - Sizes, head design and init (see {@link CausalLMOptions}).
 * @returns The tfjs model.
 * @throws RangeError on invalid options, naming the option and value.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { createCausalLM, sparseSoftmaxCrossEntropy } from 'tiedformer';
 * const model = createCausalLM({
 *   vocabSize: 1000, hiddenSize: 64, numLayers: 2, numHeads: 4, intermediateSize: 256,
 *   head: 'shuffled', seed: 1,
 * });
 * const tokens = tf.randomUniformInt([4, 33], 0, 1000);
 * const inputs = tokens.slice([0, 0], [4, 32]);
 * const targets = tokens.slice([0, 1], [4, 32]);
 * const optimizer = tf.train.adam(1e-3);
 * optimizer.minimize(() => sparseSoftmaxCrossEntropy(targets, model.apply(inputs) as tf.Tensor));
 * ```
 */
export function createCausalLM(opts: CausalLMOptions): tf.LayersModel {
  validateCausalLMOptions(opts); // every option, before any weight exists
  const owner = 'createCausalLM';
  if (typeof opts !== 'object' || opts === null)
    fail(owner, `expected an options object, got ${String(opts)}`);
  const positionEmbedding = resolvePositionEmbedding(opts, owner);
  // The analysis module validates the sizes and their relations (divisibility, GQA).
  resolveModelConfig(causalLMConfig(opts), owner);
  const head = oneOf(owner, 'head', opts.head, ['tied', 'shuffled', 'ortho', 'untied'] as const);
  const { vocabSize, hiddenSize, numLayers } = opts;
  const embeddingStd =
    opts.embeddingStd === 'recommended'
      ? recommendedTiedStd(vocabSize, hiddenSize)
      : positiveNumber(owner, 'embeddingStd', opts.embeddingStd ?? 0.02);
  const initStd = positiveNumber(owner, 'initStd', opts.initStd ?? 0.02);
  const seqLen = opts.seqLen == null ? null : positiveInteger(owner, 'seqLen', opts.seqLen);
  if (opts.shuffle !== undefined && head !== 'shuffled')
    fail(owner, `shuffle only applies to head 'shuffled', got head '${head}'`);
  if (opts.logitSoftCap !== undefined && head !== 'tied')
    fail(owner, `logitSoftCap only applies to head 'tied', got head '${head}'`);
  if (opts.maxPositions !== undefined && positionEmbedding !== 'learned')
    fail(
      owner,
      `maxPositions only applies to positionEmbedding 'learned', got '${positionEmbedding}'`,
    );
  if (opts.positionStd !== undefined && positionEmbedding !== 'learned')
    fail(
      owner,
      `positionStd only applies to positionEmbedding 'learned', got '${positionEmbedding}'`,
    );
  if (opts.rotaryBase !== undefined && positionEmbedding !== 'rotary')
    fail(
      owner,
      `rotaryBase only applies to positionEmbedding 'rotary', got '${positionEmbedding}'`,
    );
  const rotaryBase = positiveNumber(owner, 'rotaryBase', opts.rotaryBase ?? 10000);
  const positionStd = positiveNumber(owner, 'positionStd', opts.positionStd ?? initStd);
  const norm = oneOf(owner, 'norm', opts.norm ?? 'rmsnorm', ['rmsnorm', 'layernorm'] as const);
  const normEpsilon = positiveNumber(owner, 'normEpsilon', opts.normEpsilon ?? 1e-6);
  const normUnitOffset = boolean(owner, 'normUnitOffset', opts.normUnitOffset ?? false);
  if (normUnitOffset && norm !== 'rmsnorm')
    fail(owner, `normUnitOffset applies to norm 'rmsnorm' only, got norm '${norm}'`);
  const embeddingScale = positiveNumber(owner, 'embeddingScale', opts.embeddingScale ?? 1);
  const useBiasAll = boolean(owner, 'useBias', opts.useBias ?? false);
  const qkvBias = boolean(owner, 'qkvBias', opts.qkvBias ?? useBiasAll);
  const outputBias = boolean(owner, 'outputBias', opts.outputBias ?? useBiasAll);
  const mlpBias = boolean(owner, 'mlpBias', opts.mlpBias ?? useBiasAll);
  const seed = opts.seed === undefined ? {} : { seed: opts.seed };

  const embedding = new TokenEmbedding({
    name: 'token_embedding',
    vocabSize,
    hiddenSize,
    embeddingsInitializer: normal({ std: embeddingStd, ...seed }),
    ...(embeddingScale === 1 ? {} : { scale: embeddingScale }),
  });
  const ids = tf.input({ shape: [seqLen], dtype: 'int32', name: 'token_ids' });
  let hidden = embedding.apply(ids) as tf.SymbolicTensor;
  if (positionEmbedding === 'learned') {
    hidden = new PositionEmbedding({
      name: 'position_embedding',
      maxPositions: opts.maxPositions as number, // required by resolveModelConfig above
      embeddingsInitializer: normal({
        std: positionStd,
        ...(opts.seed === undefined ? {} : { seed: opts.seed + 500 }),
      }),
    }).apply(hidden) as tf.SymbolicTensor;
  }
  for (let i = 0; i < numLayers; i++) {
    hidden = new TransformerBlock({
      name: `block_${i}`,
      numHeads: opts.numHeads,
      ...(opts.numKeyValueHeads === undefined ? {} : { numKeyValueHeads: opts.numKeyValueHeads }),
      ...(opts.headDim === undefined ? {} : { headDim: opts.headDim }),
      intermediateSize: opts.intermediateSize,
      activation: opts.activation ?? 'gelu',
      causal: true,
      useBias: useBiasAll,
      qkvBias,
      outputBias,
      mlpBias,
      norm,
      epsilon: normEpsilon,
      normUnitOffset,
      dropout: opts.dropout ?? 0,
      rotary: positionEmbedding === 'rotary',
      rotaryBase,
      initStd,
      residualInit: opts.residualInit ?? 'scaled',
      numLayers,
      ...(opts.seed === undefined ? {} : { seed: opts.seed + 1000 * (i + 1) }),
    }).apply(hidden) as tf.SymbolicTensor;
  }
  const finalNorm =
    norm === 'layernorm'
      ? new LayerNorm({ name: 'final_norm', epsilon: normEpsilon })
      : new RMSNorm({ name: 'final_norm', epsilon: normEpsilon, unitOffset: normUnitOffset });
  hidden = finalNorm.apply(hidden) as tf.SymbolicTensor;

  const useBias = opts.headBias ?? false;
  const headLayer =
    head === 'tied'
      ? new TiedLMHead({
          name: 'lm_head',
          embedding,
          useBias,
          ...(opts.logitSoftCap === undefined ? {} : { logitSoftCap: opts.logitSoftCap }),
        })
      : head === 'shuffled'
        ? new ShuffledTiedHead({
            name: 'lm_head',
            embedding,
            shuffle: opts.shuffle ?? 'swap-halves',
          })
        : head === 'ortho'
          ? new OrthoProjectionHead({ name: 'lm_head', embedding, ...seed })
          : new UntiedLMHead({
              name: 'lm_head',
              vocabSize,
              useBias,
              kernelInitializer: normal({ std: embeddingStd, ...seed }), // drawn like E, so heads compare at one σ
            });
  const logits = headLayer.apply(hidden) as tf.SymbolicTensor;
  return tf.model({ inputs: ids, outputs: logits, name: opts.name ?? 'causal_lm' });
}
