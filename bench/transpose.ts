/**
 * `npm run bench:transpose`: the wasm backend's matrix transpose (`transposeMatrix`, the
 * blocked copy on the heap that every matmul gradient of the wasm fast path uses) against
 * tfjs-wasm's own `tf.transpose`, on the tied head's matrices of config B (`[tokens, vocab]`
 * and `[vocab, d]`) and a layer's `[d, 4d]`. The two alternate call by call; each figure is
 * the median of `--repeats` calls (default 15) of the kernel alone (the wasm backend runs it
 * synchronously; no read back). Writes `bench/results/transpose-<date>.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { transposeMatrix } from '../src/backend/transpose-matrix.js';
import { median } from './median.js';

const args = process.argv.slice(2);
const at = args.indexOf('--repeats');
const repeats = at >= 0 ? Number(args[at + 1]) : 15;
if (!Number.isInteger(repeats) || repeats < 1)
  throw new Error(`--repeats must be a positive integer, got ${args[at + 1]}`);

await tf.setBackend('wasm');
await tf.ready();
const rows: { shape: number[]; tfjsMs: number; oursMs: number; ratio: number }[] = [];
for (const shape of [
  [512, 8192],
  [8192, 256],
  [256, 1024],
]) {
  const x = tf.randomNormal(shape);
  const expected = tf.transpose(x);
  const ours = transposeMatrix(x);
  // Timing a wrong answer would mean nothing.
  if (tf.max(tf.abs(tf.sub(ours, expected))).dataSync()[0] !== 0)
    throw new Error(`transposeMatrix differs from tf.transpose for [${shape}]`);
  tf.dispose([expected, ours]);
  const theirs: number[] = [];
  const mine: number[] = [];
  for (let i = 0; i < repeats + 2; i++) {
    let start = performance.now();
    const a = tf.transpose(x);
    const tfjsTime = performance.now() - start;
    a.dispose();
    start = performance.now();
    const b = transposeMatrix(x);
    const ourTime = performance.now() - start;
    b.dispose();
    if (i >= 2) {
      theirs.push(tfjsTime);
      mine.push(ourTime);
    }
  }
  x.dispose();
  const row = { shape, tfjsMs: median(theirs), oursMs: median(mine), ratio: 0 };
  row.ratio = row.tfjsMs / row.oursMs;
  rows.push(row);
  console.log(
    `[${shape.join(', ')}]: tf.transpose ${row.tfjsMs.toFixed(1)} ms, transposeMatrix ${row.oursMs.toFixed(1)} ms (${row.ratio.toFixed(2)}× faster)`,
  );
}
const date = new Date().toISOString().slice(0, 10);
mkdirSync('bench/results', { recursive: true });
const machine = {
  date: new Date().toISOString(),
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  node: process.version,
  tfjs: tf.version.tfjs,
  loadAverage: os.loadavg()[0],
  repeats,
};
writeFileSync(
  `bench/results/transpose-${date}.json`,
  `${JSON.stringify({ machine, rows }, null, 2)}\n`,
);
console.log(`wrote bench/results/transpose-${date}.json`);
