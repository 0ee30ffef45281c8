// Loads the PyTorch fixtures of scripts/make_layer_fixtures.py and compares a layer against them.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';

export interface ReferenceCase {
  name: string;
  layer: string;
  args: Record<string, unknown>;
  inputs: { x: number[][][] };
  paddingMask?: number[][];
  weights: Record<string, unknown>;
  cotangent: unknown;
  output: unknown;
  inputGrads: { x: unknown };
  weightGrads: Record<string, unknown>;
}

const fixtures = JSON.parse(
  readFileSync(new URL('../fixtures/layers.json', import.meta.url), 'utf8'),
) as { cases: ReferenceCase[] };

export function referenceCases(layer: string): ReferenceCase[] {
  const cases = fixtures.cases.filter((c) => c.layer === layer);
  if (cases.length === 0) throw new Error(`no fixtures for ${layer}`);
  return cases;
}

/** |actual − expected| ≤ atol + rtol·|expected| elementwise (numpy's allclose). */
export function expectClose(
  actual: tf.Tensor | number[],
  expected: unknown,
  atol = 1e-5,
  rtol = 1e-5,
): void {
  const a = Array.isArray(actual) ? actual : Array.from(actual.dataSync());
  const e = (expected as number[]).flat(Number.POSITIVE_INFINITY as 1) as number[];
  expect(a.length).toBe(e.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const excess =
      Math.abs((a[i] as number) - (e[i] as number)) - (atol + rtol * Math.abs(e[i] as number));
    worst = Math.max(worst, excess);
  }
  expect(worst, 'largest excess over the tolerance').toBeLessThanOrEqual(0);
}

/**
 * Sets the layer's weights from the fixture (matched by name suffix), then checks its output
 * and the gradients of sum(y·R) with respect to the input and every weight.
 */
export function expectMatchesReference(layer: tf.layers.Layer, c: ReferenceCase): void {
  const x = tf.tensor(c.inputs.x);
  const mask = c.paddingMask ? tf.tensor(c.paddingMask) : undefined;
  const input = mask ? [x, mask] : x;
  layer.apply(input); // builds
  const weights = layer.trainableWeights;
  expect(weights.length).toBe(Object.keys(c.weights).length);
  for (const weight of weights) {
    const key = Object.keys(c.weights).find((k) => weight.originalName.endsWith(`/${k}`));
    if (!key) throw new Error(`no fixture weight for ${weight.originalName}`);
    weight.write(tf.tensor(c.weights[key] as number[], weight.shape as number[]));
  }
  const cotangent = tf.tensor(c.cotangent as number[]);
  const xVar = tf.variable(x);
  const output = layer.apply(mask ? [xVar, mask] : xVar) as tf.Tensor;
  expectClose(output, c.output);
  const vars = [xVar, ...weights.map((w) => w.read() as tf.Variable)];
  const { grads } = tf.variableGrads(
    () => tf.sum(tf.mul(layer.apply(mask ? [xVar, mask] : xVar) as tf.Tensor, cotangent)),
    vars,
  );
  expectClose(grads[xVar.name] as tf.Tensor, c.inputGrads.x);
  for (const weight of weights) {
    const key = Object.keys(c.weights).find((k) => weight.originalName.endsWith(`/${k}`)) as string;
    expectClose(grads[(weight.read() as tf.Variable).name] as tf.Tensor, c.weightGrads[key]);
  }
  tf.dispose([x, mask, cotangent, xVar, output, ...Object.values(grads)]);
}
