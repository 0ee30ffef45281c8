/**
 * Interoperability with other ecosystems, platform-neutral (bytes in, bytes out):
 * safetensors files, the 16-bit float formats of checkpoints, and Hugging Face tokenizers.
 *
 * @module tiedformer/interop
 */

export { describeCausalLM } from './describe-causal-lm.js';
export { type FromHuggingFaceOptions, fromHuggingFace } from './from-hugging-face.js';
export { gemma } from './gemma.js';
export { gpt2 } from './gpt2.js';
export {
  bfloat16ToFloat32,
  float16ToFloat32,
  float32ToBfloat16,
  roundToBfloat16,
} from './half-precision.js';
export type {
  HuggingFaceArchitecture,
  HuggingFaceConfig,
  WeightMapping,
} from './hugging-face-architecture.js';
export { huggingFaceArchitectures } from './hugging-face-architectures.js';
export { llama } from './llama.js';
export { qwen2 } from './qwen2.js';
export { readSafetensors } from './read-safetensors.js';
export type { SafetensorsDtype, SafetensorsFile, SafetensorsTensor } from './safetensors-file.js';
export {
  type HuggingFaceFiles,
  type ToHuggingFaceOptions,
  toHuggingFace,
} from './to-hugging-face.js';
export {
  type JsonFileContent,
  type TextTokenizer,
  type TokenizerFiles,
  tokenizerFromFiles,
} from './tokenizer-from-files.js';
export {
  type SafetensorsTensorInput,
  type WriteSafetensorsOptions,
  writeSafetensors,
} from './write-safetensors.js';
