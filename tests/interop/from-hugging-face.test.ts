// Checkpoints written by PyTorch (scripts/hf_reference.py fixtures → tests/fixtures/hf/) import
// to the logits PyTorch computes from them, and not to those of the classic conversion bugs.
import { readdirSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { verifyTie } from '../../src/diagnostics/verify-tie.js';
import { fromHuggingFace } from '../../src/interop/from-hugging-face.js';
import { readSafetensors } from '../../src/interop/read-safetensors.js';
import type { SafetensorsTensor } from '../../src/interop/safetensors-file.js';
import { toHuggingFace } from '../../src/interop/to-hugging-face.js';
import { writeSafetensors } from '../../src/interop/write-safetensors.js';

const root = new URL('../fixtures/hf/', import.meta.url);
const cases = readdirSync(root).sort();

interface Reference {
  ids: number[][];
  logits: number[][][];
  controls: Record<string, number[][][]>;
}

function load(name: string): { files: Record<string, Uint8Array>; reference: Reference } {
  const dir = new URL(`${name}/`, root);
  const read = (file: string) => new Uint8Array(readFileSync(new URL(file, dir)));
  return {
    files: { 'config.json': read('config.json'), 'model.safetensors': read('model.safetensors') },
    reference: JSON.parse(readFileSync(new URL('reference.json', dir), 'utf8')),
  };
}

function maxDiff(actual: ArrayLike<number>, expected: number[][]): number {
  const flat = expected.flat();
  expect(actual.length).toBe(flat.length);
  let worst = 0;
  for (let i = 0; i < flat.length; i++)
    worst = Math.max(worst, Math.abs((actual[i] as number) - (flat[i] as number)));
  return worst;
}

const TOLERANCE = 1e-4;

describe('fromHuggingFace on checkpoints written by PyTorch', () => {
  it('has the fixtures of four architectures in f32 and bf16', () => {
    expect(cases).toEqual([
      'gemma-bf16',
      'gemma-f32',
      'gpt2-bf16',
      'gpt2-f32',
      'llama-bf16',
      'llama-f32',
      'qwen2-bf16',
      'qwen2-f32',
    ]);
  });

  it.each(cases)('%s: same logits as PyTorch at every length; each control fails', async (name) => {
    const { files, reference } = load(name);
    const model = fromHuggingFace(files);
    const config = JSON.parse(new TextDecoder().decode(files['config.json']));
    if (config.tie_word_embeddings) expect(verifyTie(model).tied).toBe(true);
    else expect(verifyTie(model).tied).toBe(false);
    const report: Record<string, number> = {};
    for (const [i, ids] of reference.ids.entries()) {
      const logits = tf.tidy(() =>
        (model.predict(tf.tensor2d([ids], [1, ids.length], 'int32')) as tf.Tensor).dataSync(),
      );
      const diff = maxDiff(logits, reference.logits[i] as number[][]);
      report[`length ${ids.length}`] = diff;
      expect(diff, `${name}, length ${ids.length}`).toBeLessThanOrEqual(TOLERANCE);
      if (ids.length > 1) {
        for (const [variant, controls] of Object.entries(reference.controls)) {
          const control = maxDiff(logits, controls[i] as number[][]);
          report[`${variant} @${ids.length}`] = control;
          expect(control, `${name}: control ${variant} must fail`).toBeGreaterThan(TOLERANCE);
        }
      }
    }
    console.log(`[hf-fixtures] ${name} ${JSON.stringify(report)}`);
    tf.dispose(model.weights.map((w) => w.read()));
  });

  it('re-exports an imported f32 checkpoint with the same tensors, bit for bit', async () => {
    for (const name of ['llama-f32', 'gpt2-f32']) {
      const { files } = load(name);
      const again = fromHuggingFace(await toHuggingFace(fromHuggingFace(files)));
      const first = fromHuggingFace(files);
      for (const [i, w] of first.weights.entries()) {
        expect(Array.from(w.read().dataSync()), `${name} ${w.originalName}`).toEqual(
          Array.from((again.weights[i] as tf.LayerVariable).read().dataSync()),
        );
      }
    }
  });

  it("reads unaligned bytes, and never lets the model alias the caller's bytes", async () => {
    for (const name of ['qwen2-f32', 'qwen2-bf16']) {
      const { files } = load(name);
      const bytes = files['model.safetensors'] as Uint8Array;
      // The same file at byte offset 1 of a larger buffer: no f32 view in place is possible.
      const shifted = new Uint8Array(bytes.length + 1).subarray(1);
      shifted.set(bytes);
      const aligned = fromHuggingFace(files);
      const unaligned = fromHuggingFace({ ...files, 'model.safetensors': shifted });
      const before = aligned.weights.map((w) => Array.from(w.read().dataSync()));
      expect(unaligned.weights.map((w) => Array.from(w.read().dataSync()))).toEqual(before);
      bytes.fill(0x7f); // scribble over the file the model was read from
      expect(
        aligned.weights.map((w) => Array.from(w.read().dataSync())),
        name,
      ).toEqual(before);
      aligned.dispose();
      unaligned.dispose();
    }
  });

  it('disposes the half-built model on a bad checkpoint', () => {
    const { files } = load('llama-f32');
    const { tensors } = readSafetensors(files['model.safetensors'] as Uint8Array);
    const norm = tensors.get('model.norm.weight') as SafetensorsTensor;
    tensors.set('model.norm.weight', { ...norm, shape: [norm.data.length / 2, 2] });
    const bad = writeSafetensors(new Map(tensors));
    const before = tf.memory().numTensors;
    expect(() => fromHuggingFace({ ...files, 'model.safetensors': bad })).toThrow(
      '[fromHuggingFace] model.norm.weight has shape',
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
