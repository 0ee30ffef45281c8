// The sampler against closed-form probabilities: with stratified uniforms u = (i + ½)/N the
// inverse-CDF draw of N rows hits token t exactly round(N·p_t) ± 1 times, so the counts test
// softmax, temperature, top-k and top-p exactly, without statistical slack.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { sampleTokens } from '../../src/generation/sample-tokens.js';

const logits = [1.2, -0.3, 2.5, 0.4, -2, 2.1];

/** softmax(z/T) restricted to `keep`, in float64. */
function expected(temperature: number, keep: (rank: number) => boolean): number[] {
  const order = logits
    .map((_, i) => i)
    .sort((a, b) => (logits[b] as number) - (logits[a] as number));
  const weights = logits.map((z) => Math.exp(z / temperature));
  const kept = logits.map((_, i) => (keep(order.indexOf(i)) ? (weights[i] as number) : 0));
  const total = kept.reduce((a, b) => a + b, 0);
  return kept.map((w) => w / total);
}

/** Token counts of N stratified draws. */
async function counts(rule: Parameters<typeof sampleTokens>[1], n = 2000): Promise<number[]> {
  const batch = tf.tensor2d(Array.from({ length: n }, () => logits));
  const uniforms = Array.from({ length: n }, (_, i) => (i + 0.5) / n);
  const picked = sampleTokens(batch, rule, uniforms);
  const data = await picked.data();
  tf.dispose([batch, picked]);
  const result = logits.map(() => 0);
  for (let r = 0; r < n; r++) {
    expect(data[2 * r + 1]).toBe(0);
    const token = data[2 * r] as number;
    result[token] = (result[token] as number) + 1;
  }
  return result;
}

const worst = (got: number[], p: number[], n = 2000) =>
  Math.max(...got.map((c, i) => Math.abs(c - n * (p[i] as number))));

describe('sampleTokens', () => {
  it('draws softmax(z/T) exactly, and the check catches a wrong temperature', async () => {
    const got = await counts({ temperature: 0.7 });
    expect(
      worst(
        got,
        expected(0.7, () => true),
      ),
    ).toBeLessThanOrEqual(1.5);
    expect(
      worst(
        got,
        expected(1, () => true),
      ),
    ).toBeGreaterThan(20); // negative control
  });

  it('restricts to the top k and renormalises', async () => {
    const got = await counts({ temperature: 1.3, topK: 3 });
    expect(
      worst(
        got,
        expected(1.3, (rank) => rank < 3),
      ),
    ).toBeLessThanOrEqual(1.5);
    expect(got[1]).toBe(0);
  });

  it('keeps the nucleus: the most likely tokens until their mass reaches topP', async () => {
    // At T = 1 the sorted probabilities are 0.439, 0.294, 0.122, 0.055, ...: p = 0.8 keeps 3.
    const p = expected(1, () => true);
    const sorted = [...p].sort((a, b) => b - a);
    expect(sorted[0]! + sorted[1]!).toBeLessThan(0.8);
    expect(sorted[0]! + sorted[1]! + sorted[2]!).toBeGreaterThan(0.8);
    const got = await counts({ temperature: 1, topP: 0.8 });
    expect(
      worst(
        got,
        expected(1, (rank) => rank < 3),
      ),
    ).toBeLessThanOrEqual(1.5);
    const both = await counts({ temperature: 1, topK: 2, topP: 0.8 });
    expect(
      worst(
        both,
        expected(1, (rank) => rank < 2),
      ),
    ).toBeLessThanOrEqual(1.5);
  });

  it('is greedy at temperature 0, a tiny temperature, 1e-310 and topK 1', async () => {
    for (const rule of [
      {},
      { temperature: 0 },
      { temperature: 1e-30 },
      { temperature: 1e-310 },
      { temperature: 3, topK: 1 },
    ]) {
      const got = await counts(rule, 50);
      expect(got).toEqual([0, 0, 50, 0, 0, 0]);
    }
  });

  it('flags NaN, +Infinity and all −Infinity rows', async () => {
    const bad = tf.tensor2d([
      [0, Number.NaN, 1],
      [0, Number.POSITIVE_INFINITY, 1],
      [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
      [Number.NEGATIVE_INFINITY, 0, 1],
    ]);
    for (const rule of [{}, { temperature: 1, topP: 0.9 }]) {
      const picked = sampleTokens(bad, rule, [0.5, 0.5, 0.5, 0.5]);
      expect(Array.from(await picked.data())).toEqual(
        [expect.any(Number), 1, expect.any(Number), 1, expect.any(Number), 1, 2, 0].map((v, i) =>
          i === 6 && 'temperature' in rule ? expect.any(Number) : v,
        ),
      );
      picked.dispose();
    }
    bad.dispose();
  });

  it('samples a 262,144-token vocabulary with tensor ops (top-k, top-p, plain)', async () => {
    const vocab = 262_144;
    const values = new Float32Array(vocab).fill(-5);
    values[200_000] = 20; // carries all but ~e^-25·vocab of the mass
    values[7] = 19;
    const row = tf.tensor2d(values, [1, vocab]);
    for (const rule of [
      { temperature: 1 },
      { temperature: 1, topK: 40 },
      { temperature: 1, topP: 0.5 },
    ]) {
      const picked = sampleTokens(row, rule, [0.3]);
      expect(Array.from(await picked.data())).toEqual([200_000, 0]);
      picked.dispose();
    }
    // u above the first token's share picks the second (e^19 / (e^20 + e^19) ≈ 0.27).
    const second = sampleTokens(row, { temperature: 1, topK: 40 }, [0.9]);
    expect(Array.from(await second.data())).toEqual([7, 0]);
    tf.dispose([second, row]);
  });

  it('rejects a wrong number of uniforms and a non-matrix', () => {
    const row = tf.tensor2d([[0, 1]]);
    expect(() => sampleTokens(row, { temperature: 1 }, [])).toThrow(
      '[sampleTokens] expected 1 uniforms (one per row), got 0',
    );
    expect(() => sampleTokens(tf.tensor1d([0, 1]), {}, [])).toThrow(
      '[sampleTokens] logits must be [rows, vocab]',
    );
    row.dispose();
  });
});
