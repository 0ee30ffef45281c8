import type * as tf from '@tensorflow/tfjs';
import type { TiedHeadBase } from '../heads/tied-head-base.js';
import { isClass, TIED_HEADS } from '../layers/is-class.js';
import type { TokenEmbedding } from '../layers/token-embedding.js';

/**
 * What {@link verifyTie} found.
 *
 * @example
 * ```ts
 * import type { TieReport } from 'tiedformer';
 * const ok: TieReport = {
 *   tied: true, embeddingLayer: 'token_embedding', outputLayer: 'lm_head',
 *   variable: 'token_embedding/embeddings', occurrences: 1, reason: 'lm_head projects onto token_embedding/embeddings',
 * };
 * ```
 */
export interface TieReport {
  /** Input embedding and output projection are one variable, listed once. */
  tied: boolean;
  /** Name of the model's TokenEmbedding layer, if any. */
  embeddingLayer: string | undefined;
  /** Name of the layer that produces the logits. */
  outputLayer: string | undefined;
  /** Name of the embedding variable `E`, if any. */
  variable: string | undefined;
  /** How many times `E` appears in `model.trainableWeights` (1 when tied and healthy). */
  occurrences: number;
  /** A sentence saying why. */
  reason: string;
}

/**
 * Checks that a model's input embedding and output projection share one variable: the model's
 * logits come from a tied head (or from the TokenEmbedding itself called on hidden states)
 * whose embedding is this model's TokenEmbedding, and `E` appears exactly once among the
 * trainable weights (so an optimizer updates it once, with the sum of both gradients).
 *
 * @param model - A tfjs model with one output of logits.
 * @returns The verdict with the names involved.
 * @example
 * ```ts
 * import { createCausalLM, verifyTie } from 'tiedformer';
 * const model = createCausalLM({
 *   vocabSize: 100, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, head: 'tied',
 * });
 * verifyTie(model).tied; // true
 * ```
 */
export function verifyTie(model: tf.LayersModel): TieReport {
  if (!Array.isArray((model as { layers?: unknown } | null)?.layers))
    throw new RangeError(`[verifyTie] model must be a tf.LayersModel, got ${String(model)}`);
  const embeddings = model.layers.filter((l): l is TokenEmbedding => isClass(l, 'TokenEmbedding'));
  const output = model.outputs[0]?.sourceLayer;
  const outputLayer = output?.name;
  const report = (
    tied: boolean,
    embedding: TokenEmbedding | undefined,
    reason: string,
  ): TieReport => {
    const variable = embedding?.built ? embedding.embeddings : undefined;
    const occurrences = variable ? model.trainableWeights.filter((w) => w === variable).length : 0;
    const healthy = tied && occurrences === 1;
    return {
      tied: healthy,
      embeddingLayer: embedding?.name,
      outputLayer,
      variable: variable?.originalName,
      occurrences,
      reason:
        tied && !healthy
          ? `${reason}, but E appears ${occurrences} times in model.trainableWeights`
          : reason,
    };
  };
  if (embeddings.length !== 1) {
    return report(
      false,
      embeddings[0],
      `the model has ${embeddings.length} TokenEmbedding layers; expected exactly one`,
    );
  }
  const embedding = embeddings[0] as TokenEmbedding;
  if (output === embedding)
    return report(
      true,
      embedding,
      `${embedding.name} computes the logits itself (called on hidden states)`,
    );
  if (isClass(output, ...TIED_HEADS)) {
    const head = output as TiedHeadBase;
    return head.embedding === embedding
      ? report(true, embedding, `${head.name} projects onto ${embedding.embeddings.originalName}`)
      : report(
          false,
          embedding,
          `${head.name} projects onto another TokenEmbedding (${head.embedding.name})`,
        );
  }
  if (isClass(output, 'UntiedLMHead'))
    return report(false, embedding, `${outputLayer} is an untied head with its own matrix`);
  return report(
    false,
    embedding,
    `the logits come from ${outputLayer ?? 'nothing'}, which is not a tied head`,
  );
}
