/**
 * Exported models against PyTorch (issue #10, run by CI): for each architecture, builds a
 * tiedformer model with random weights (every weight drawn, biases and norms included, so a
 * misplaced tensor shows), exports it with toHuggingFace, and has scripts/hf_reference.py (torch
 * only, float64) compute the logits from the exported directory at several lengths. The
 * tiedformer logits must match to 1e-4; each negative control (interleaved RoPE, `repeat` for
 * GQA, a wrong epsilon, ...) must NOT match. A BF16 export is checked the same way against
 * its own re-import. Prints a markdown table; exits 1 on any failure.
 *
 *     npx tsx scripts/compare-hf-pytorch.ts [--python /usr/bin/python3]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type CausalLMOptions, createCausalLM } from 'tiedformer';
import { fromHuggingFace, type HuggingFaceFiles, toHuggingFace } from 'tiedformer/interop';

const argv = process.argv.slice(2);
const python = argv.includes('--python')
  ? (argv[argv.indexOf('--python') + 1] as string)
  : '/usr/bin/python3';
const TOLERANCE = 1e-4;
const LENGTHS = [1, 5, 16, 33];

const base = {
  vocabSize: 64,
  hiddenSize: 32,
  numLayers: 2,
  numHeads: 4,
  intermediateSize: 48,
  seed: 5,
};
const cases: { name: string; architecture: string; opts: CausalLMOptions; controls: string[] }[] = [
  {
    name: 'llama (tied, GQA)',
    architecture: 'LlamaForCausalLM',
    opts: { ...base, numKeyValueHeads: 2, activation: 'swiglu', normEpsilon: 1e-5, head: 'tied' },
    controls: ['interleaved-rope', 'repeat-kv', 'wrong-eps'],
  },
  {
    name: 'qwen2 (untied, q/k/v biases, θ = 1e6)',
    architecture: 'Qwen2ForCausalLM',
    opts: {
      ...base,
      numKeyValueHeads: 2,
      activation: 'swiglu',
      qkvBias: true,
      rotaryBase: 1e6,
      head: 'untied',
    },
    controls: ['interleaved-rope', 'repeat-kv', 'wrong-eps'],
  },
  {
    name: 'gemma (tied, headDim 12, (1 + w), √d)',
    architecture: 'GemmaForCausalLM',
    opts: {
      ...base,
      numKeyValueHeads: 1,
      headDim: 12,
      activation: 'geglu_tanh',
      normUnitOffset: true,
      embeddingScale: Math.fround(Math.sqrt(32)),
      head: 'tied',
    },
    controls: ['interleaved-rope', 'wrong-eps', 'no-unit-offset'],
  },
  {
    name: 'gpt2 (tied, learned positions)',
    architecture: 'GPT2LMHeadModel',
    opts: {
      ...base,
      norm: 'layernorm',
      normEpsilon: 1e-5,
      positionEmbedding: 'learned',
      maxPositions: 40,
      useBias: true,
      activation: 'gelu_tanh',
      head: 'tied',
    },
    controls: ['wrong-eps'],
  },
];

/** Overwrites every weight with random values scaled to its role. */
function randomize(model: tf.LayersModel, seed: number, unitOffset: boolean): void {
  for (const [i, w] of model.weights.entries()) {
    const name = w.originalName;
    const shape = w.shape as number[];
    const n = tf.randomNormal(shape, 0, 1, 'float32', seed + i);
    const value = name.endsWith('/gamma')
      ? unitOffset
        ? tf.mul(n, 0.2)
        : tf.add(1, tf.mul(n, 0.2))
      : name.endsWith('token_embedding/embeddings')
        ? tf.mul(n, unitOffset ? 0.005 : 0.02) // small (HF inits 0.02; Gemma then scales by √d): ε matters
        : name.endsWith('_bias') || name.endsWith('/beta') || name.endsWith('/bias')
          ? tf.mul(n, 0.2)
          : tf.mul(n, name.includes('position_embedding') ? 0.02 : 0.3);
    w.write(value);
    tf.dispose([n, value]);
  }
}

function writeDir(files: HuggingFaceFiles): string {
  const dir = mkdtempSync(join(tmpdir(), 'tiedformer-hf-'));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  return dir;
}

type Logits = number[][][]; // [sequence][position][vocab]

function torchLogits(dir: string, ids: number[][], variants: string[]) {
  const args = ['scripts/hf_reference.py', 'logits', dir, JSON.stringify(ids)];
  if (variants.length > 0) args.push('--variants', variants.join(','));
  const out = execFileSync(python, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  return JSON.parse(out) as { logits: Logits; controls: Record<string, Logits> };
}

function maxDiff(actual: ArrayLike<number>, expected: number[][]): number {
  const flat = expected.flat();
  if (flat.length !== actual.length) throw new Error(`length ${actual.length} vs ${flat.length}`);
  let worst = 0;
  for (let i = 0; i < flat.length; i++)
    worst = Math.max(worst, Math.abs((actual[i] as number) - (flat[i] as number)));
  return worst;
}

async function ourLogits(model: tf.LayersModel, ids: number[][]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const seq of ids) {
    const logits = model.predict(tf.tensor2d([seq], [1, seq.length], 'int32')) as tf.Tensor;
    out.push((await logits.data()) as Float32Array);
    logits.dispose();
  }
  return out;
}

await tf.setBackend('cpu');
const torchVersion = execFileSync(python, ['-c', 'import torch; print(torch.__version__)'], {
  encoding: 'utf8',
}).trim();
const rows: string[] = [
  `PyTorch ${torchVersion} (float64 reference) vs tiedformer (tfjs ${tf.version.tfjs}, cpu backend, float32); lengths ${LENGTHS.join(', ')}; tolerance ${TOLERANCE}.`,
  '',
  '| architecture | export | max logit diff | negative controls (max diff; must exceed the tolerance) |',
  '|---|---|---|---|',
];
let failures = 0;
for (const [k, c] of cases.entries()) {
  const ids = LENGTHS.map((n, j) =>
    Array.from({ length: n }, (_, t) => (t * 7 + j * 13 + k * 3 + 1) % c.opts.vocabSize),
  );
  const model = createCausalLM(c.opts);
  randomize(model, 100 * (k + 1), c.opts.normUnitOffset === true);
  for (const dtype of ['F32', 'BF16'] as const) {
    const files = await toHuggingFace(model, { architecture: c.architecture, dtype });
    // F32: the exported model itself; BF16: its re-import (the weights rounded to bfloat16).
    const subject = dtype === 'F32' ? model : fromHuggingFace(files);
    const dir = writeDir(files);
    try {
      const ours = await ourLogits(subject, ids);
      const reference = torchLogits(dir, ids, dtype === 'F32' ? c.controls : []);
      const diff = Math.max(...ours.map((o, j) => maxDiff(o, reference.logits[j] as number[][])));
      if (!(diff <= TOLERANCE)) failures++;
      const controls: string[] = [];
      for (const [variant, control] of Object.entries(reference.controls)) {
        const d = Math.max(...ours.map((o, j) => maxDiff(o, control[j] as number[][])));
        if (!(d > TOLERANCE)) failures++;
        controls.push(`${variant} ${d.toExponential(2)}${d > TOLERANCE ? '' : ' (NOT CAUGHT)'}`);
      }
      rows.push(
        `| ${c.name} | ${dtype} | ${diff.toExponential(2)}${diff <= TOLERANCE ? '' : ' (FAIL)'} | ${controls.join(', ') || '—'} |`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
console.log(rows.join('\n'));
if (failures > 0) {
  console.error(`\n${failures} comparison(s) failed`);
  process.exit(1);
}
console.log('\nRESULT hf-pytorch: all comparisons hold, every negative control caught');
