import * as tf from '@tensorflow/tfjs';
import { dense } from '../backend/mat-mul.js';
import { BaseLayer, type Kwargs, type LayerArgs } from '../layers/base-layer.js';
import { isClass } from '../layers/is-class.js';
import type { TokenEmbedding } from '../layers/token-embedding.js';

/**
 * Options every tied head takes.
 *
 * @example
 * ```ts
 * import { TokenEmbedding, type TiedHeadArgs } from 'tiedformer';
 * const embedding = new TokenEmbedding({ vocabSize: 100, hiddenSize: 16 });
 * const args: TiedHeadArgs = { embedding };
 * ```
 */
export interface TiedHeadArgs extends LayerArgs {
  /**
   * The token embedding whose matrix `E` the head projects onto: the layer itself, or (as a
   * saved config holds it) `{ name }` or its name, resolved when the head is applied to a
   * tensor computed from that layer.
   */
  embedding:
    | TokenEmbedding
    | {
        /** Name of the TokenEmbedding layer. */
        name: string;
      }
    | string;
}

/**
 * Shared part of the tied heads: holds the embedding layer (never a copy of `E`), finds it by
 * name upstream in the graph when deserialized, and computes `h·Eᵀ`.
 * @internal
 */
export abstract class TiedHeadBase extends BaseLayer {
  private embeddingLayer: TokenEmbedding | undefined;
  private readonly embeddingName: string;

  constructor(args: TiedHeadArgs) {
    super(args);
    const embedding = args?.embedding;
    if (isClass(embedding, 'TokenEmbedding')) {
      this.embeddingLayer = embedding as TokenEmbedding;
      this.embeddingName = (embedding as TokenEmbedding).name;
    } else if (typeof embedding === 'string' && embedding.length > 0) {
      this.embeddingName = embedding;
    } else if (
      typeof embedding === 'object' &&
      embedding !== null &&
      typeof embedding.name === 'string' &&
      embedding.name.length > 0
    ) {
      this.embeddingName = embedding.name;
    } else {
      this.fail(
        `embedding must be a TokenEmbedding (or { name } in a saved config), got ${JSON.stringify(embedding) ?? String(embedding)}`,
      );
    }
  }

  /** The token embedding this head shares `E` with. */
  get embedding(): TokenEmbedding {
    if (!this.embeddingLayer) {
      this.fail(
        `its TokenEmbedding '${this.embeddingName}' is not resolved yet: apply the head to hidden states computed from that embedding`,
      );
    }
    return this.embeddingLayer;
  }

  override apply(
    inputs: tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[],
    kwargs?: Kwargs,
  ): tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[] {
    if (!this.embeddingLayer) this.embeddingLayer = this.findUpstream(inputs);
    return super.apply(inputs, kwargs);
  }

  /** Walks the graph back from the inputs to the TokenEmbedding with the configured name. */
  private findUpstream(
    inputs: tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[],
  ): TokenEmbedding {
    const queue = (Array.isArray(inputs) ? [...inputs] : [inputs]).filter(
      (t): t is tf.SymbolicTensor => t instanceof tf.SymbolicTensor,
    );
    const seen = new Set<tf.SymbolicTensor>();
    while (queue.length > 0) {
      const tensor = queue.shift() as tf.SymbolicTensor;
      if (seen.has(tensor)) continue;
      seen.add(tensor);
      const layer = tensor.sourceLayer;
      if (isClass(layer, 'TokenEmbedding') && layer.name === this.embeddingName)
        return layer as TokenEmbedding;
      queue.push(...(tensor.inputs ?? []));
    }
    return this.fail(`no TokenEmbedding named '${this.embeddingName}' upstream of its input`);
  }

  /** Checks the input width and returns `h·Eᵀ` `[..., vocabSize]`. */
  protected tiedLogits(h: tf.Tensor): tf.Tensor {
    const d = this.embedding.hiddenSize;
    if (h.dtype !== 'float32' || h.shape[h.rank - 1] !== d) {
      this.fail(`input must be float32 hidden states [..., ${d}], got ${h.dtype} [${h.shape}]`);
    }
    return dense(h, this.embedding.embeddings.read(), true); // [..., n]
  }

  /** Output shape: the input's, with the last axis replaced by the vocabulary. */
  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), this.embedding.vocabSize];
  }

  /** The constructor arguments, with the embedding as `{ name }`. */
  override getConfig(): tf.serialization.ConfigDict {
    // As { name }: tfjs re-cases every string value of a saved config except under `name`.
    return { ...super.getConfig(), embedding: { name: this.embeddingName } };
  }
}
