// A fresh app as a user writes it: tfjs plus both browser entries of tiedformer, nothing else.
import * as tf from '@tensorflow/tfjs';
import { createCausalLM, useFastestBackend, verifyTie } from 'tiedformer';
import { embeddingShare } from 'tiedformer/analysis';

async function main() {
  const backend = await useFastestBackend();
  const model = createCausalLM({
    vocabSize: 64,
    hiddenSize: 16,
    numLayers: 1,
    numHeads: 2,
    intermediateSize: 32,
    head: 'tied',
  });
  document.body.dataset.result = JSON.stringify({
    backend,
    tfBackend: tf.getBackend(),
    tied: verifyTie(model).tied,
    share: embeddingShare(64, 16, model.countParams()),
  });
}
main();
