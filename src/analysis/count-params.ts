import { type ModelConfig, resolveModelConfig } from './model-config.js';
import { fail } from './validation.js';

/**
 * Exact parameter count of a transformer language model, split by part.
 * Every field is a count of scalars summed over all layers unless it says otherwise.
 *
 * @example
 * ```ts
 * import { countParams, type ParamCount } from 'tiedformer/analysis';
 * const count: ParamCount = countParams({
 *   vocabSize: 8192, hiddenSize: 256, numLayers: 4, numHeads: 4, intermediateSize: 1024,
 * });
 * console.log(count.total, count.tokenEmbedding / count.total);
 * ```
 */
export interface ParamCount {
  /** Sum of every part below except `perLayer` and `nonEmbedding` (which regroup them). */
  total: number;
  /** Token embedding `n·d` (stored once, whether or not it is tied). */
  tokenEmbedding: number;
  /** Learned position embedding `maxPositions·d` (0 for rotary or none). */
  positionEmbedding: number;
  /** Token-type (segment) embedding `tokenTypeVocab·d`. */
  tokenTypeEmbedding: number;
  /** Norm right after the embeddings (BERT). */
  embeddingNorm: number;
  /** Attention projections q, k, v, o and their biases, all layers. */
  attention: number;
  /** MLP matrices and biases, all layers. */
  mlp: number;
  /** Norms inside the layers, all layers. */
  layerNorms: number;
  /** Final norm after the last layer. */
  finalNorm: number;
  /** BERT pooler (`d·d + d`). */
  pooler: number;
  /** Output head: `d·n` when untied (0 when tied), the logit bias `n` if any, and a `d×d` projection (+ bias, norm) if any. */
  lmHead: number;
  /** Parameters of one transformer layer (attention + MLP + its norms). */
  perLayer: number;
  /**
   * Everything but the token, position and token-type embeddings and an untied head's
   * `d·n` matrix (the logit bias, the norms and the pooler count as non-embedding).
   */
  nonEmbedding: number;
}

/**
 * Exact parameter count of a transformer language model.
 *
 * Per layer: attention `q: d×(H·hd)`, `k, v: d×(K·hd)`, `o: (H·hd)×d` (+ biases), MLP `2·d·f`
 * (standard) or `3·d·f` (gated) (+ biases), and `normsPerLayer` norms of `d` (RMSNorm) or
 * `2d` (LayerNorm). Plus token embedding `n·d`, learned positions, token types, embedding
 * norm, final norm, pooler, and an untied head `d·n` and/or a logit bias `n`.
 * Reproduces published totals exactly (see {@link presets}).
 *
 * @param config - The model's architecture; see {@link ModelConfig} for defaults.
 * @returns The total and a per-part breakdown.
 * @throws RangeError on an invalid configuration, naming the field and value.
 * @example
 * ```ts
 * import { countParams } from 'tiedformer/analysis';
 * // Llama-2-7B (Touvron et al. 2023; Hugging Face config.json)
 * const llama2 = countParams({
 *   vocabSize: 32000, hiddenSize: 4096, numLayers: 32, numHeads: 32,
 *   intermediateSize: 11008, mlp: 'gated', tieWordEmbeddings: false,
 * });
 * llama2.total; // 6_738_415_616
 * ```
 */
export function countParams(config: ModelConfig): ParamCount {
  const c = resolveModelConfig(config, 'countParams');
  const d = c.hiddenSize;
  const n = c.vocabSize;
  const queryWidth = c.numHeads * c.headDim;
  const keyValueWidth = c.numKeyValueHeads * c.headDim;
  const normSize = c.norm === 'layernorm' ? 2 * d : d;

  const attentionPerLayer =
    d * queryWidth +
    2 * d * keyValueWidth +
    queryWidth * d +
    (c.qkvBias ? queryWidth + 2 * keyValueWidth : 0) +
    (c.outputBias ? d : 0);
  const gated = c.mlp === 'gated';
  const mlpPerLayer =
    (gated ? 3 : 2) * d * c.intermediateSize +
    (c.mlpBias ? (gated ? 2 : 1) * c.intermediateSize + d : 0);
  const normsPerLayer = c.normsPerLayer * normSize;
  const perLayer = attentionPerLayer + mlpPerLayer + normsPerLayer;

  const tokenEmbedding = n * d;
  const positionEmbedding = c.positionEmbedding === 'learned' ? c.maxPositions * d : 0;
  const tokenTypeEmbedding = c.tokenTypeVocab * d;
  const embeddingNorm = c.embeddingNorm ? normSize : 0;
  const finalNorm = c.finalNorm ? normSize : 0;
  const pooler = c.pooler ? d * d + d : 0;
  const headMatrix = c.tieWordEmbeddings ? 0 : d * n;
  const projection =
    (c.lmHeadProjection === 'none' ? 0 : d * d + (c.lmHeadProjection === 'dense-bias' ? d : 0)) +
    (c.lmHeadProjectionNorm ? normSize : 0);
  const lmHead = headMatrix + (c.lmHeadBias ? n : 0) + projection;
  const attention = c.numLayers * attentionPerLayer;
  const mlp = c.numLayers * mlpPerLayer;
  const layerNorms = c.numLayers * normsPerLayer;

  const total =
    tokenEmbedding +
    positionEmbedding +
    tokenTypeEmbedding +
    embeddingNorm +
    attention +
    mlp +
    layerNorms +
    finalNorm +
    pooler +
    lmHead;
  if (!Number.isSafeInteger(total)) {
    fail('countParams', `the total (${total}) exceeds 2^53 and cannot be counted exactly`);
  }
  return {
    total,
    tokenEmbedding,
    positionEmbedding,
    tokenTypeEmbedding,
    embeddingNorm,
    attention,
    mlp,
    layerNorms,
    finalNorm,
    pooler,
    lmHead,
    perLayer,
    nonEmbedding: total - tokenEmbedding - positionEmbedding - tokenTypeEmbedding - headMatrix,
  };
}
