import { gemma } from './gemma.js';
import { gpt2 } from './gpt2.js';
import type { HuggingFaceArchitecture } from './hugging-face-architecture.js';
import { llama } from './llama.js';
import { qwen2 } from './qwen2.js';

/**
 * The architectures {@link toHuggingFace} and {@link fromHuggingFace} translate, in the order
 * an export tries them when none is named.
 *
 * @example
 * ```ts
 * import { huggingFaceArchitectures } from 'tiedformer/interop';
 * huggingFaceArchitectures.map((a) => a.architecture); // ['LlamaForCausalLM', ...]
 * ```
 */
export const huggingFaceArchitectures: readonly HuggingFaceArchitecture[] = [
  llama,
  qwen2,
  gemma,
  gpt2,
];
