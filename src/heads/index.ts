export {
  OrthoProjectionHead,
  type OrthoProjectionHeadArgs,
  type ProjectionActivation,
} from './ortho-projection-head.js';
export { ShuffledTiedHead, type ShuffledTiedHeadArgs } from './shuffled-tied-head.js';
export type { TiedHeadArgs } from './tied-head-base.js';
export { TiedLMHead, type TiedLMHeadArgs } from './tied-lm-head.js';
export { UntiedLMHead, type UntiedLMHeadArgs } from './untied-lm-head.js';
