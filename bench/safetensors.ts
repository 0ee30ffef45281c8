/**
 * safetensors read and write of a 135M-parameter model (SmolLM-135M's shape: vocab 49152,
 * hidden 576, 30 layers, 9 heads / 3 key-value heads of 64, MLP 1536, tied; random
 * weights), against the cost of merely moving the file's bytes: a memory copy
 * (`Uint8Array#slice`) and `fs.writeFileSync` / `fs.readFileSync` of the same bytes to a
 * temporary directory (the page cache keeps the read warm, so it too is mostly a copy).
 * Each operation runs `--repeats` times, interleaved, and the median is kept.
 * Usage: npm run bench:safetensors -- [--repeats 5]
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors, writeSafetensors } from 'tiedformer/interop';
import { median } from './median.js';

const args = process.argv.slice(2);
const at = args.indexOf('--repeats');
const repeats = at >= 0 ? Number(args[at + 1]) : 5;

const shape = {
  vocabSize: 49152,
  hiddenSize: 576,
  numLayers: 30,
  numHeads: 9,
  numKeyValueHeads: 3,
  headDim: 64,
  intermediateSize: 1536,
};
const { vocabSize: v, hiddenSize: d, intermediateSize: f, headDim: h } = shape;
const kv = shape.numKeyValueHeads * h;
const specs: [string, number[]][] = [['model.embed_tokens.weight', [v, d]]];
for (let i = 0; i < shape.numLayers; i++) {
  const p = `model.layers.${i}`;
  specs.push(
    [`${p}.input_layernorm.weight`, [d]],
    [`${p}.self_attn.q_proj.weight`, [shape.numHeads * h, d]],
    [`${p}.self_attn.k_proj.weight`, [kv, d]],
    [`${p}.self_attn.v_proj.weight`, [kv, d]],
    [`${p}.self_attn.o_proj.weight`, [d, shape.numHeads * h]],
    [`${p}.post_attention_layernorm.weight`, [d]],
    [`${p}.mlp.gate_proj.weight`, [f, d]],
    [`${p}.mlp.up_proj.weight`, [f, d]],
    [`${p}.mlp.down_proj.weight`, [d, f]],
  );
}
specs.push(['model.norm.weight', [d]]);

// Random weights from a xorshift generator (fast, and BF16 rounding sees every bit pattern).
let state = 0x9e3779b9;
const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
let params = 0;
for (const [name, dims] of specs) {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    data[i] = ((state >>> 0) / 4294967296 - 0.5) * 0.04;
  }
  tensors.set(name, { shape: dims, data });
  params += n;
}

const dir = mkdtempSync(join(tmpdir(), 'tiedformer-bench-'));
const time = (fn: () => unknown) => {
  const start = performance.now();
  fn();
  return performance.now() - start;
};
const samples: Record<string, number[]> = {};
const record = (key: string, ms: number) => {
  const list = samples[key] ?? [];
  list.push(ms);
  samples[key] = list;
};
const sizes: Record<string, number> = {};
for (let r = 0; r < repeats; r++) {
  for (const dtype of ['F32', 'BF16'] as const) {
    let bytes: Uint8Array = new Uint8Array(0);
    record(
      `write ${dtype}`,
      time(() => (bytes = writeSafetensors(tensors, { dtype }))),
    );
    sizes[dtype] = bytes.length;
    record(
      `copy ${dtype}`,
      time(() => bytes.slice()),
    );
    const path = join(dir, `${dtype}.safetensors`);
    record(
      `fs.writeFileSync ${dtype}`,
      time(() => writeFileSync(path, bytes)),
    );
    let read: Uint8Array = new Uint8Array(0);
    record(
      `fs.readFileSync ${dtype}`,
      time(() => (read = readFileSync(path))),
    );
    record(
      `read ${dtype}`,
      time(() => readSafetensors(read)),
    );
  }
}
rmSync(dir, { recursive: true, force: true });

const ms = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)]));
const ratio = (a: string, b: string) => (ms[a] as number) / (ms[b] as number);
const result = {
  benchmark: 'safetensors read/write, SmolLM-135M shape, random weights',
  params,
  fileBytes: sizes,
  repeats,
  medianMs: ms,
  ratios: {
    'write F32 / fs.writeFileSync F32': ratio('write F32', 'fs.writeFileSync F32'),
    'read F32 / fs.readFileSync F32': ratio('read F32', 'fs.readFileSync F32'),
    'write BF16 / fs.writeFileSync BF16': ratio('write BF16', 'fs.writeFileSync BF16'),
    'read BF16 / fs.readFileSync BF16': ratio('read BF16', 'fs.readFileSync BF16'),
    'write F32 / copy F32': ratio('write F32', 'copy F32'),
    'read F32 / copy F32': ratio('read F32', 'copy F32'),
  },
  date: new Date().toISOString(),
  node: process.version,
  // 1-minute load average at the end: above the core count, the figures are noise-dominated.
  loadAverage: loadavg()[0],
};
console.log(JSON.stringify(result, null, 2));
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/safetensors.json', `${JSON.stringify(result, null, 2)}\n`);
