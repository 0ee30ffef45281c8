export { type CausalLMOptions, causalLMConfig } from './causal-lm-options.js';
export { createCausalLM } from './create-causal-lm.js';
export { loadModel } from './load-model.js';
