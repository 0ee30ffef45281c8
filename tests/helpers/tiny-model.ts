// A small model and fixed token batches shared by the training tests.
import * as tf from '@tensorflow/tfjs';
import { createCausalLM } from '../../src/index.js';

export const tinyOptions = {
  vocabSize: 30,
  hiddenSize: 16,
  numLayers: 1,
  numHeads: 2,
  intermediateSize: 32,
  head: 'tied' as const,
  seed: 11,
};

export const tinyModel = (seed = 11) => createCausalLM({ ...tinyOptions, seed });

/** `count` fixed batches of `rows` token rows of length 9. */
export const tinyBatches = (count: number, rows = 4, seed = 100) =>
  Array.from({ length: count }, (_, i) =>
    tf.randomUniformInt([rows, 9], 0, tinyOptions.vocabSize, seed + i),
  );
