export { type CausalLMOptions, causalLMConfig } from './causal-lm-options.js';
export { createCausalLM } from './create-causal-lm.js';
export { type GenerateOptions, generate } from './generate.js';
export { loadModel } from './load-model.js';
