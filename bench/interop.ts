/**
 * Hugging Face export and import of a SmolLM-135M-shaped model (random weights), side by side
 * with reading and writing the same file's bytes (issue #10's target: each at most 2× the
 * file IO). Every measurement is repeated; the phases alternate within each repetition so
 * load on the machine hits them alike, and the median is reported with the spread (min–max)
 * and the 1-minute load average before and after. The page cache is warm: each read follows
 * a write of the same file, so reads come from memory, not the disk (the regime of a file
 * just downloaded or just saved). Writes bench/results/interop-<date>-<backend>.{json,md}.
 *
 *     npm run bench:interop -- [--repeats 5] [--backend cpu|wasm] [--out bench/results] [--tag under-load]
 *
 * `--tag` is appended to the file name (so a run under load does not replace a quiet one).
 *
 * Measured:
 *  - write bytes / read bytes: `writeFile` / `readFile` of the exported model.safetensors (the
 *    file's size, through the page cache on a warm run);
 *  - toHuggingFace / fromHuggingFace: the in-memory conversions (weights → files → model);
 *  - saveHuggingFace / loadHuggingFace: conversion plus the file IO, what a user calls.
 */

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { type CausalLMOptions, createCausalLM } from 'tiedformer';
import { fromHuggingFace, toHuggingFace } from 'tiedformer/interop';
import { loadHuggingFace, saveHuggingFace } from 'tiedformer/node';
import { median } from './median.js';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: string) =>
  argv.includes(`--${name}`) ? (argv[argv.indexOf(`--${name}`) + 1] as string) : fallback;
const repeats = Number(arg('repeats', '5'));
const backend = arg('backend', 'cpu');
const outDir = arg('out', 'bench/results');
const tag = arg('tag', '');

// SmolLM-135M (HuggingFaceTB/SmolLM-135M config.json): LlamaForCausalLM, tied.
const smolLM: CausalLMOptions = {
  vocabSize: 49152,
  hiddenSize: 576,
  numLayers: 30,
  numHeads: 9,
  numKeyValueHeads: 3,
  intermediateSize: 1536,
  activation: 'swiglu',
  normEpsilon: 1e-5,
  head: 'tied',
  seed: 1,
};

async function time<T>(run: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await run();
  return { ms: performance.now() - start, value };
}
const spread = (xs: number[]) => [Math.min(...xs), Math.max(...xs)] as [number, number];
const dispose = (model: tf.LayersModel) => model.dispose();

await tf.setBackend(backend);
await tf.ready();
const loadBefore = os.loadavg()[0] as number;
console.log(`building the SmolLM-135M-shaped model on ${tf.getBackend()} (random init)...`);
const model = createCausalLM(smolLM);
const dir = mkdtempSync(join(os.tmpdir(), 'tiedformer-bench-interop-'));
const raw = join(dir, 'raw.safetensors');
type Phase =
  | 'writeBytes'
  | 'readBytes'
  | 'toHuggingFace'
  | 'fromHuggingFace'
  | 'saveHuggingFace'
  | 'loadHuggingFace';
const phases: Record<Phase, number[]> = {
  writeBytes: [],
  readBytes: [],
  toHuggingFace: [],
  fromHuggingFace: [],
  saveHuggingFace: [],
  loadHuggingFace: [],
};
let fileBytes = 0;
for (let r = 0; r < repeats; r++) {
  const exported = await time(() => toHuggingFace(model));
  phases.toHuggingFace.push(exported.ms);
  const bytes = exported.value['model.safetensors'] as Uint8Array;
  fileBytes = bytes.length;
  phases.writeBytes.push((await time(() => writeFile(raw, bytes))).ms);
  phases.readBytes.push((await time(() => readFile(raw))).ms);
  const imported = await time(() => fromHuggingFace(exported.value));
  phases.fromHuggingFace.push(imported.ms);
  dispose(imported.value);
  phases.saveHuggingFace.push((await time(() => saveHuggingFace(model, join(dir, 'hf')))).ms);
  const loaded = await time(() => loadHuggingFace(join(dir, 'hf')));
  phases.loadHuggingFace.push(loaded.ms);
  dispose(loaded.value);
  console.log(
    `repeat ${r + 1}/${repeats}: ${Object.entries(phases)
      .map(([k, v]) => `${k} ${(v[r] as number).toFixed(0)} ms`)
      .join(', ')}`,
  );
}
await rm(dir, { recursive: true, force: true });

const m = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, median(v)])) as Record<
  Phase,
  number
>;
const range = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, spread(v)])) as Record<
  Phase,
  [number, number]
>;
const load = os.loadavg()[0] as number;
const result = {
  date: new Date().toISOString(),
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    node: process.version,
  },
  tfjs: tf.version.tfjs,
  backend: tf.getBackend(),
  model: { ...smolLM, params: model.countParams(), fileBytes },
  repeats,
  loadAverage1m: { before: loadBefore, after: load },
  pageCache: 'warm (each read follows a write of the same file)',
  medianMs: m,
  rangeMs: range,
  allMs: phases,
  ratios: {
    exportVsWrite: m.toHuggingFace / m.writeBytes,
    importVsRead: m.fromHuggingFace / m.readBytes,
    saveVsWrite: m.saveHuggingFace / m.writeBytes,
    loadVsRead: m.loadHuggingFace / m.readBytes,
  },
};
const f = (ms: number) => `${ms.toFixed(0)} ms`;
const r = (phase: Phase) =>
  `${f(m[phase])} (${range[phase][0].toFixed(0)}–${range[phase][1].toFixed(0)})`;
const x = (v: number) => `${v.toFixed(2)}×`;
const md = [
  `Measured ${result.date.slice(0, 16)}Z on ${result.machine.cpu} (${result.machine.cores} cores), Node ${result.machine.node}, tfjs ${result.tfjs} (${result.backend} backend), 1-minute load average ${loadBefore.toFixed(1)} before and ${load.toFixed(1)} after; page cache warm (each read follows a write of the same file). SmolLM-135M shape, ${result.model.params.toLocaleString('en')} parameters, F32 model.safetensors of ${(fileBytes / 2 ** 20).toFixed(0)} MiB; median of ${repeats} repeats (min–max in parentheses).`,
  '',
  '| | conversion only | with the file IO | file IO alone | ratio (conversion / IO) | ratio (with IO / IO) |',
  '|---|---|---|---|---|---|',
  `| export (toHuggingFace / saveHuggingFace) | ${r('toHuggingFace')} | ${r('saveHuggingFace')} | write ${r('writeBytes')} | ${x(result.ratios.exportVsWrite)} | ${x(result.ratios.saveVsWrite)} |`,
  `| import (fromHuggingFace / loadHuggingFace) | ${r('fromHuggingFace')} | ${r('loadHuggingFace')} | read ${r('readBytes')} | ${x(result.ratios.importVsRead)} | ${x(result.ratios.loadVsRead)} |`,
  '',
  'Ratios are of medians. Target (issue #10): saveHuggingFace ≤ 2× write, loadHuggingFace ≤ 2× read.',
  '',
].join('\n');
console.log(`\n${md}`);
mkdirSync(outDir, { recursive: true });
const stem = join(
  outDir,
  `interop-${result.date.slice(0, 10)}-${result.backend}${tag ? `-${tag}` : ''}`,
);
writeFileSync(`${stem}.json`, `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(`${stem}.md`, `${md}`);
console.log(`wrote ${stem}.json and .md`);
