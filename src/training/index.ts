export { AdamW, type AdamWOptions, type NamedTensor } from './adamw.js';
export {
  type Checkpoint,
  createCheckpoint,
  type EncodedTensors,
  restoreCheckpoint,
} from './checkpoint.js';
export { checkpointFromBytes, checkpointToBytes } from './checkpoint-bytes.js';
export { clipByGlobalNorm } from './clip-by-global-norm.js';
export { type Evaluation, evaluate } from './evaluate.js';
export { type FitSparseArgs, fitSparse } from './fit-sparse.js';
export { type LearningRateScheduleOptions, learningRateAt } from './learning-rate-schedule.js';
export { lossAndGradients } from './loss-and-gradients.js';
export { perplexity } from './perplexity.js';
export { sparseCategoricalCrossentropyFromLogits } from './sparse-categorical-crossentropy-from-logits.js';
export { type TrainOptions, type TrainStepInfo, train } from './train.js';
export { type TrainStepOptions, trainStep } from './train-step.js';
