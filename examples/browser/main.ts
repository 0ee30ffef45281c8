/// <reference lib="dom" />
// A tied character-level transformer that trains in the page on the text shipped next to it
// (corpus.txt), with a live loss chart and text sampled as it learns. Served by
// `npm run example:browser` (examples/browser/serve.mjs). No synchronous read anywhere: the
// loss and the sampling logits are read with `await t.data()`.
import * as tf from '@tensorflow/tfjs';
import { createCausalLM, sparseSoftmaxCrossEntropy, useFastestBackend } from 'tiedformer';

const params = new URLSearchParams(location.search);
const STEPS = Number(params.get('steps') ?? 400);
const SAMPLE_EVERY = Number(params.get('sampleEvery') ?? 50);
const BATCH = 8;
const SEQ = 32;

const status = document.getElementById('status') as HTMLElement;
const sampleBox = document.getElementById('sample') as HTMLElement;
const canvas = document.getElementById('chart') as HTMLCanvasElement;

/** The page's progress, for people and for the CI check (examples/browser/serve.mjs --check). */
const progress = { backend: '', losses: [] as number[], samples: [] as string[], done: false };
(window as unknown as { __example: typeof progress }).__example = progress;

function drawChart(losses: number[]): void {
  const context = canvas.getContext('2d') as CanvasRenderingContext2D;
  const { width, height } = canvas;
  context.clearRect(0, 0, width, height);
  if (losses.length < 2) return;
  const top = Math.max(...losses);
  const bottom = Math.min(...losses);
  const y = (loss: number) => 10 + ((top - loss) / Math.max(top - bottom, 1e-6)) * (height - 20);
  context.strokeStyle = '#1f77b4';
  context.lineWidth = 2;
  context.beginPath();
  losses.forEach((loss, i) => {
    const x = (i / Math.max(STEPS - 1, 1)) * width;
    if (i === 0) context.moveTo(x, y(loss));
    else context.lineTo(x, y(loss));
  });
  context.stroke();
  context.fillStyle = '#333';
  context.fillText(`${top.toFixed(2)} nats`, 4, 12);
  context.fillText(`${bottom.toFixed(2)} nats`, 4, height - 4);
}

/** Samples `length` characters after `prompt`, one forward pass per character. */
async function sample(
  model: tf.LayersModel,
  prompt: number[],
  length: number,
  temperature: number,
): Promise<number[]> {
  const ids = [...prompt];
  for (let i = 0; i < length; i++) {
    const context = ids.slice(-SEQ);
    const probs = tf.tidy(() => {
      const logits = model.apply(tf.tensor2d([context], [1, context.length], 'int32')) as tf.Tensor;
      const last = tf.slice(logits, [0, context.length - 1, 0], [1, 1, -1]);
      return tf.softmax(tf.div(tf.reshape(last, [-1]), temperature));
    });
    const p = await probs.data(); // asynchronous: the page stays responsive
    probs.dispose();
    let u = Math.random();
    let next = p.length - 1;
    for (let j = 0; j < p.length; j++) {
      u -= p[j] as number;
      if (u <= 0) {
        next = j;
        break;
      }
    }
    ids.push(next);
  }
  return ids;
}

async function main(): Promise<void> {
  const text = await (await fetch('./corpus.txt')).text();
  const chars = [...new Set(text)].sort();
  const encode = (s: string) => [...s].map((c) => chars.indexOf(c));
  const decode = (ids: number[]) => ids.map((i) => chars[i] ?? '?').join('');
  const data = encode(text);

  progress.backend = await useFastestBackend();
  const model = createCausalLM({
    vocabSize: chars.length,
    hiddenSize: 64,
    numLayers: 2,
    numHeads: 4,
    intermediateSize: 128,
    head: 'tied',
    seed: 1,
  });
  const optimizer = tf.train.adam(3e-3, 0.9, 0.999, 1e-7);
  status.textContent = `backend ${progress.backend}, vocabulary ${chars.length} characters, ${model.countParams()} parameters`;

  for (let step = 0; step < STEPS; step++) {
    const windows: number[] = [];
    for (let b = 0; b < BATCH; b++) {
      const start = Math.floor(Math.random() * (data.length - SEQ - 1));
      windows.push(...data.slice(start, start + SEQ + 1));
    }
    const all = tf.tensor2d(windows, [BATCH, SEQ + 1], 'int32');
    const inputs = tf.slice(all, [0, 0], [BATCH, SEQ]);
    const targets = tf.slice(all, [0, 1], [BATCH, SEQ]);
    const loss = optimizer.minimize(
      () => sparseSoftmaxCrossEntropy(targets, model.apply(inputs) as tf.Tensor),
      true,
    ) as tf.Scalar;
    const [value] = await loss.data();
    tf.dispose([all, inputs, targets, loss]);
    progress.losses.push(value as number);
    drawChart(progress.losses);
    status.textContent = `backend ${progress.backend} · step ${step + 1}/${STEPS} · loss ${(value as number).toFixed(3)} nats`;
    if ((step + 1) % SAMPLE_EVERY === 0 || step === STEPS - 1) {
      const text = decode(await sample(model, encode('the '), 80, 0.8));
      progress.samples.push(text);
      sampleBox.textContent = `step ${step + 1}: ${text}\n${sampleBox.textContent ?? ''}`;
    }
  }
  progress.done = true;
  status.textContent += ' · done';
}

main().catch((error) => {
  status.textContent = `error: ${error}`;
  (progress as { error?: string }).error = String(error);
});
