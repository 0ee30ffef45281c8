/**
 * Forward + backward time of one TransformerBlock (batch 8, seq 128, d 256, 4 heads, FFN 4d)
 * with tiedformer's per-backend matmul form ('auto') and with tfjs' native transpose flags
 * ('native'), measured side by side in one run, alternating the two so that machine noise
 * hits both. Usage: npm run bench:block -- [--backend wasm|cpu] [--steps 10]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { type MatMulMode, setMatMulMode, TransformerBlock } from 'tiedformer';
import { median } from './median.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] as string) : fallback;
};
const backend = option('backend', 'wasm');
const steps = Number(option('steps', '10'));

await tf.setBackend(backend);
await tf.ready();

const [batch, seq, d, heads] = [8, 128, 256, 4];
const block = new TransformerBlock({ numHeads: heads, intermediateSize: 4 * d, seed: 1 });
const x = tf.randomNormal([batch, seq, d], 0, 1, 'float32', 1);
const cotangent = tf.randomNormal([batch, seq, d], 0, 1, 'float32', 2);
block.apply(x);
const variables = block.trainableWeights.map((w) => w.read() as tf.Variable);

function step(): number {
  const start = performance.now();
  const { value, grads } = tf.variableGrads(
    () => tf.sum(tf.mul(block.apply(x) as tf.Tensor, cotangent)) as tf.Scalar,
    variables,
  );
  // Reading the results forces every kernel to finish.
  value.dataSync();
  for (const g of Object.values(grads)) g.dataSync();
  tf.dispose([value, grads]);
  return performance.now() - start;
}

const modes: MatMulMode[] = ['native', 'auto'];
const times: Record<string, number[]> = { native: [], auto: [] };
for (const mode of modes) {
  setMatMulMode(mode);
  step(); // warm-up: kernels, weight packing
}
for (let i = 0; i < steps; i++) {
  for (const mode of modes) {
    setMatMulMode(mode);
    times[mode]?.push(step());
  }
}
const result = {
  benchmark: 'TransformerBlock forward+backward',
  config: { batch, seq, hiddenSize: d, numHeads: heads, intermediateSize: 4 * d },
  backend: tf.getBackend(),
  steps,
  medianMs: { native: median(times.native ?? []), fastPath: median(times.auto ?? []) },
  speedup: median(times.native ?? []) / median(times.auto ?? []),
  date: new Date().toISOString(),
  node: process.version,
};
console.log(JSON.stringify(result, null, 2));
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  `bench/results/transformer-block-${backend}.json`,
  `${JSON.stringify(result, null, 2)}\n`,
);
