/// <reference lib="dom" />
// A tied character-level transformer that trains in the page on the text shipped next to it
// (corpus.txt), with a live loss chart and text sampled as it learns. Served by
// `npm run example:browser` (examples/browser/serve.mjs). It uses the library's pieces: the
// `train` helper with AdamW, a warmup + cosine schedule and clipping, and `generateStream`.
// No synchronous read anywhere: the loss and the sampled tokens are read asynchronously.
import * as tf from '@tensorflow/tfjs';
import { AdamW, createCausalLM, generateStream, train, useFastestBackend } from 'tiedformer';

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
  // The library's toolkit: AdamW with warmup and cosine decay, gradients clipped to norm 1
  // (its default epsilon adapts to a GPU that computes in float16).
  const optimizer = new AdamW({
    learningRate: { peak: 3e-3, warmupSteps: Math.ceil(STEPS / 20), totalSteps: STEPS },
  });
  status.textContent = `backend ${progress.backend}, vocabulary ${chars.length} characters, ${model.countParams()} parameters`;

  /** Random windows of the corpus, `[BATCH, SEQ + 1]` token ids each. */
  function* batches(): Generator<tf.Tensor2D> {
    for (;;) {
      const windows: number[] = [];
      for (let b = 0; b < BATCH; b++) {
        const start = Math.floor(Math.random() * (data.length - SEQ - 1));
        windows.push(...data.slice(start, start + SEQ + 1));
      }
      yield tf.tensor2d(windows, [BATCH, SEQ + 1], 'int32');
    }
  }

  await train(model, {
    optimizer,
    batches: batches(),
    steps: STEPS,
    clipNorm: 1,
    disposeBatches: true,
    onStep: async ({ step, loss }) => {
      progress.losses.push(loss);
      drawChart(progress.losses);
      status.textContent = `backend ${progress.backend} · step ${step + 1}/${STEPS} · loss ${loss.toFixed(3)} nats`;
      if ((step + 1) % SAMPLE_EVERY !== 0 && step !== STEPS - 1) return;
      // Streamed: each character shows as soon as it is sampled (key/value cache, async reads).
      let sampled = 'the ';
      const earlier = sampleBox.textContent ?? '';
      for await (const id of generateStream(model, encode(sampled), {
        maxNewTokens: 80,
        temperature: 0.8,
        maxContext: SEQ,
      })) {
        sampled += decode([id]);
        sampleBox.textContent = `step ${step + 1}: ${sampled}\n${earlier}`;
      }
      progress.samples.push(sampled);
    },
  });
  progress.done = true;
  status.textContent += ' · done';
}

main().catch((error) => {
  status.textContent = `error: ${error}`;
  (progress as { error?: string }).error = String(error);
});
