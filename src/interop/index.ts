/**
 * Interoperability with other ecosystems, platform-neutral (bytes in, bytes out):
 * safetensors files, the 16-bit float formats of checkpoints, and Hugging Face tokenizers.
 *
 * @module
 */
export {
  bfloat16ToFloat32,
  float16ToFloat32,
  float32ToBfloat16,
  roundToBfloat16,
} from './half-precision.js';
export { readSafetensors } from './read-safetensors.js';
export type { SafetensorsDtype, SafetensorsFile, SafetensorsTensor } from './safetensors-file.js';
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
