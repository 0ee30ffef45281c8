export type { Kwargs, LayerArgs, LayerWeight } from './base-layer.js';
export { type CacheStep, type DecodingStepArgs, decodingStep } from './decoding-step.js';
export { FFN, type FFNActivation, type FFNArgs } from './ffn.js';
export { KeyValueCache, type KeyValueCacheArgs } from './key-value-cache.js';
export { LayerNorm, type LayerNormArgs } from './layer-norm.js';
export { MultiHeadAttention, type MultiHeadAttentionArgs } from './multi-head-attention.js';
export { PositionEmbedding, type PositionEmbeddingArgs } from './position-embedding.js';
export { RMSNorm, type RMSNormArgs } from './rms-norm.js';
export { TokenEmbedding, type TokenEmbeddingArgs } from './token-embedding.js';
export {
  type ResidualInit,
  TransformerBlock,
  type TransformerBlockArgs,
} from './transformer-block.js';
