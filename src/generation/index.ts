export { CachedDecoder, type CachedDecoderArgs } from './cached-decoder.js';
export type { Decoder } from './decoder.js';
export { FullPassDecoder, type FullPassDecoderArgs } from './full-pass-decoder.js';
export { generate } from './generate.js';
export type { GenerateOptions } from './generate-options.js';
export { generateStream } from './generate-stream.js';
export { type SamplingRule, sampleTokens } from './sample-tokens.js';
