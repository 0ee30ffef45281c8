// A fresh app as a user writes it: tfjs plus the three browser entries of tiedformer, nothing else.
import * as tf from '@tensorflow/tfjs';
import { createCausalLM, useFastestBackend, verifyTie } from 'tiedformer';
import { embeddingShare } from 'tiedformer/analysis';
import { readSafetensors, writeSafetensors } from 'tiedformer/interop';

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
    safetensors: readSafetensors(
      writeSafetensors({ w: { shape: [1], data: new Float32Array([3]) } }),
    ).tensors.get('w').data[0],
  });
}
main();
