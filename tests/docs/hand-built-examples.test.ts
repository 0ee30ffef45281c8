// Every hand-built model in README.md and docs/layers.md must be causal and positional. Each
// ```ts block that wires TransformerBlock or MultiHeadAttention into tf.model is run as
// written (bar the backend switch) and probed:
// - causal: changing the last token leaves every earlier position's logits unchanged;
// - positional: reordering the tokens before the last one changes the last position's logits
//   (without positions, causal attention sees each prefix as a bag of tokens).
// Negative controls: the same code with `causal: false` / `rotary: false` fails each probe.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const outDir = new URL('.hand-built-examples/', root);

function handBuiltExamples(): { name: string; code: string }[] {
  const found: { name: string; code: string }[] = [];
  for (const file of ['README.md', 'docs/layers.md']) {
    const text = readFileSync(new URL(file, root), 'utf8');
    let i = 0;
    for (const block of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
      const code = block[1] as string;
      if (/new (TransformerBlock|MultiHeadAttention)\(/.test(code) && /tf\.model\(/.test(code))
        found.push({ name: `${file.replace(/\W/g, '-')}-${i++}`, code });
    }
  }
  return found;
}

let counter = 0;
async function build(code: string): Promise<tf.LayersModel> {
  mkdirSync(outDir, { recursive: true });
  const file = new URL(`example-${process.pid}-${counter++}.ts`, outDir);
  // The tests pick the backend; the example's own choice would switch it.
  // Sizes shrink (vocab 8192 → 512, width 256 → 32, FFN 1024 → 64, sequence 128 → 16) to keep
  // the test to seconds on the cpu backend; the wiring, which is what is probed, is unchanged.
  const body = code
    .replace(/^.*useFastestBackend\(\).*$/m, '')
    .replace(/\b8192\b/g, '512')
    .replace(/\b256\b/g, '32')
    .replace(/\b1024\b/g, '64')
    .replace(/\b128\b/g, '16');
  writeFileSync(file, `${body}\nexport { model };\n`);
  const module = (await import(/* @vite-ignore */ file.href)) as { model: tf.LayersModel };
  return module.model;
}

async function probe(model: tf.LayersModel) {
  const seqLen = model.inputs[0]?.shape[1] as number;
  const vocab = model.outputs[0]?.shape[2] as number;
  const ids = Array.from({ length: seqLen }, (_, i) => (i * 7919 + 13) % vocab);
  const changedLast = [...ids];
  changedLast[seqLen - 1] = ((ids[seqLen - 1] as number) + 1) % vocab;
  // Reverse the prefix before the last token: same bag of tokens, other order.
  const reordered = [...ids.slice(0, seqLen - 1).reverse(), ids[seqLen - 1] as number];
  const logits = tf.tidy(
    () =>
      model.predict(tf.tensor2d([ids, changedLast, reordered], [3, seqLen], 'int32')) as tf.Tensor,
  );
  const values = (await logits.array()) as number[][][];
  logits.dispose();
  const [base, changed, permuted] = values as [number[][], number[][], number[][]];
  let earlier = 0;
  for (let t = 0; t < seqLen - 1; t++)
    for (let k = 0; k < vocab; k++)
      earlier = Math.max(earlier, Math.abs((base[t]?.[k] as number) - (changed[t]?.[k] as number)));
  let last = 0;
  for (let k = 0; k < vocab; k++)
    last = Math.max(
      last,
      Math.abs((base[seqLen - 1]?.[k] as number) - (permuted[seqLen - 1]?.[k] as number)),
    );
  return { earlierChange: earlier, lastChangeWhenReordered: last };
}

const examples = handBuiltExamples();

describe('hand-built examples in README.md and docs/layers.md', () => {
  it('finds them (the README and docs/layers.md each have at least one)', () => {
    expect(examples.map((e) => e.name.split('-')[0])).toEqual(
      expect.arrayContaining(['README', 'docs']),
    );
  });

  for (const example of examples) {
    it(`${example.name} is causal and positional`, async () => {
      const model = await build(example.code);
      const { earlierChange, lastChangeWhenReordered } = await probe(model);
      expect(earlierChange).toBeLessThan(1e-5);
      expect(lastChangeWhenReordered).toBeGreaterThan(1e-4);
      model.dispose();
    });
  }

  it('negative controls: the first example with causal: false or rotary: false fails a probe', async () => {
    const code = (examples[0] as { code: string }).code;
    expect(code).toMatch(/causal: true/);
    expect(code).toMatch(/rotary: true/);
    const leaky = await build(code.replaceAll('causal: true', 'causal: false'));
    expect((await probe(leaky)).earlierChange).toBeGreaterThan(1e-4);
    leaky.dispose();
    const unordered = await build(code.replaceAll('rotary: true', 'rotary: false'));
    expect((await probe(unordered)).lastChangeWhenReordered).toBeLessThan(1e-5);
    unordered.dispose();
  });
});
