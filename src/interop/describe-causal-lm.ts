import type * as tf from '@tensorflow/tfjs';
import { fail } from '../analysis/validation.js';
import { OrthoProjectionHead } from '../heads/ortho-projection-head.js';
import { ShuffledTiedHead } from '../heads/shuffled-tied-head.js';
import { TiedLMHead } from '../heads/tied-lm-head.js';
import { UntiedLMHead } from '../heads/untied-lm-head.js';
import { LayerNorm } from '../layers/layer-norm.js';
import { PositionEmbedding } from '../layers/position-embedding.js';
import { RMSNorm } from '../layers/rms-norm.js';
import { TokenEmbedding } from '../layers/token-embedding.js';
import { TransformerBlock } from '../layers/transformer-block.js';
import type { CausalLMOptions } from '../models/causal-lm-options.js';

const OWNER = 'describeCausalLM';

function layer(model: tf.LayersModel, name: string): tf.layers.Layer | undefined {
  return model.layers.find((l) => l.name === name);
}

/** The architecture fields of one block, for comparing blocks. */
function blockShape(block: TransformerBlock) {
  const a = block.attention;
  const norm = block.attentionNorm;
  return {
    numHeads: a.numHeads,
    numKeyValueHeads: a.numKeyValueHeads,
    headDim: a.headDim,
    qkvBias: a.qkvBias,
    outputBias: a.outputBias,
    rotary: a.rotary,
    rotaryBase: a.rotaryBase,
    causal: a.causal,
    intermediateSize: block.mlp.intermediateSize,
    activation: block.mlp.activation,
    mlpBias: block.mlp.useBias,
    norm: norm instanceof LayerNorm ? ('layernorm' as const) : ('rmsnorm' as const),
    normEpsilon: norm.epsilon,
    normUnitOffset: norm instanceof RMSNorm && norm.unitOffset,
  };
}

/**
 * Reads back the architecture of a model built by {@link tiedformer!createCausalLM} (or loaded from
 * its saved form) from its layers: the {@link CausalLMOptions} that rebuild the same
 * architecture (initialization fields omitted). The layers are found by their names
 * (`token_embedding`, `position_embedding`, `block_{i}`, `final_norm`, `lm_head`).
 *
 * @param model - A model made by `createCausalLM`.
 * @returns Its options.
 * @throws RangeError when the model is not laid out as `createCausalLM` builds it, or its
 *   blocks differ from each other.
 * @example
 * ```ts
 * import { createCausalLM } from 'tiedformer';
 * import { describeCausalLM } from 'tiedformer/interop';
 * const model = createCausalLM({
 *   vocabSize: 100, hiddenSize: 16, numLayers: 2, numHeads: 2, intermediateSize: 32,
 *   head: 'tied', activation: 'swiglu',
 * });
 * describeCausalLM(model).activation; // 'swiglu'
 * ```
 */
export function describeCausalLM(model: tf.LayersModel): CausalLMOptions {
  const embedding = layer(model, 'token_embedding');
  if (!(embedding instanceof TokenEmbedding))
    fail(
      OWNER,
      `expected a model built by createCausalLM, with a TokenEmbedding 'token_embedding'`,
    );
  const blocks: TransformerBlock[] = [];
  for (let i = 0; ; i++) {
    const block = layer(model, `block_${i}`);
    if (!block) break;
    if (!(block instanceof TransformerBlock))
      fail(OWNER, `layer 'block_${i}' is a ${block.getClassName()}, not a TransformerBlock`);
    blocks.push(block);
  }
  const allBlocks = model.layers.filter((l) => l instanceof TransformerBlock).length;
  if (blocks.length === 0 || blocks.length !== allBlocks)
    fail(OWNER, `expected TransformerBlocks named block_0 … block_${allBlocks - 1}`);
  const shapes = blocks.map(blockShape);
  const first = shapes[0] as ReturnType<typeof blockShape>;
  for (const [i, shape] of shapes.entries()) {
    if (JSON.stringify(shape) !== JSON.stringify(first))
      fail(
        OWNER,
        `block_${i} differs from block_0: ${JSON.stringify(shape)} vs ${JSON.stringify(first)}`,
      );
  }
  if (!first.causal) fail(OWNER, 'the blocks are not causal');
  const finalNorm = layer(model, 'final_norm');
  if (!(finalNorm instanceof RMSNorm || finalNorm instanceof LayerNorm))
    fail(OWNER, `expected a final norm 'final_norm'`);
  const finalKind = finalNorm instanceof LayerNorm ? 'layernorm' : 'rmsnorm';
  const finalOffset = finalNorm instanceof RMSNorm && finalNorm.unitOffset;
  if (
    finalKind !== first.norm ||
    finalNorm.epsilon !== first.normEpsilon ||
    finalOffset !== first.normUnitOffset
  )
    fail(
      OWNER,
      `final_norm (${finalKind}, ε = ${finalNorm.epsilon}) differs from the blocks' norms`,
    );
  const positions = layer(model, 'position_embedding');
  const head = model.outputs[0]?.sourceLayer;
  const opts: CausalLMOptions = {
    vocabSize: embedding.vocabSize,
    hiddenSize: embedding.hiddenSize,
    numLayers: blocks.length,
    numHeads: first.numHeads,
    numKeyValueHeads: first.numKeyValueHeads,
    headDim: first.headDim,
    intermediateSize: first.intermediateSize,
    activation: first.activation,
    head: 'tied',
    qkvBias: first.qkvBias,
    outputBias: first.outputBias,
    mlpBias: first.mlpBias,
    norm: first.norm,
    normEpsilon: first.normEpsilon,
    normUnitOffset: first.normUnitOffset,
    embeddingScale: embedding.inputScale,
    positionEmbedding: first.rotary ? 'rotary' : positions ? 'learned' : 'none',
  };
  if (first.rotary) opts.rotaryBase = first.rotaryBase;
  if (positions instanceof PositionEmbedding) opts.maxPositions = positions.maxPositions;
  if (head instanceof TiedLMHead) {
    if (head.logitScale !== 1)
      fail(OWNER, `lm_head scales its logits by ${head.logitScale}; createCausalLM builds none`);
    opts.headBias = head.useBias;
    if (head.logitSoftCap !== undefined) opts.logitSoftCap = head.logitSoftCap;
  } else if (head instanceof ShuffledTiedHead) {
    opts.head = 'shuffled';
    opts.shuffle = head.shuffle;
  } else if (head instanceof OrthoProjectionHead) {
    opts.head = 'ortho';
  } else if (head instanceof UntiedLMHead) {
    opts.head = 'untied';
    opts.headBias = head.useBias;
  } else if (head !== embedding) {
    fail(OWNER, `the logits come from ${head?.getClassName() ?? 'nothing'}, not a known head`);
  }
  return opts;
}
