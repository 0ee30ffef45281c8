import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { dense, type MatMulMode, matMul, setMatMulMode } from '../../src/backend/mat-mul.js';

function expectAllClose(a: tf.Tensor, b: tf.Tensor, tolerance = 1e-4): void {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  for (let i = 0; i < x.length; i++) {
    expect(Math.abs((x[i] as number) - (y[i] as number))).toBeLessThan(
      tolerance * (1 + Math.abs(y[i] as number)),
    );
  }
}

afterEach(() => {
  setMatMulMode('auto');
});

describe('matMul', () => {
  const shapes: [string, number[], number[]][] = [
    ['2-D', [5, 3], [3, 4]],
    ['batched 3-D', [2, 5, 3], [2, 3, 4]],
    ['batched 4-D', [2, 3, 5, 6], [2, 3, 6, 4]],
  ];
  const swap = (shape: number[]) => [
    ...shape.slice(0, -2),
    shape[shape.length - 1] as number,
    shape[shape.length - 2] as number,
  ];

  for (const mode of ['explicit-transpose', 'native', 'auto'] as MatMulMode[]) {
    for (const [label, aShape, bShape] of shapes) {
      for (const [transposeA, transposeB] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ] as const) {
        it(`${mode}, ${label}, transposeA=${transposeA} transposeB=${transposeB}: value and gradients equal tf.matMul's`, () => {
          setMatMulMode(mode);
          const a = tf.randomNormal(transposeA ? swap(aShape) : aShape, 0, 1, 'float32', 1);
          const b = tf.randomNormal(transposeB ? swap(bShape) : bShape, 0, 1, 'float32', 2);
          const dy = tf.randomNormal(
            [...aShape.slice(0, -1), bShape[bShape.length - 1] as number],
            0,
            1,
            'float32',
            3,
          );
          const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
            tf.sum(tf.mul(matMul(x, y, transposeA, transposeB), dy)),
          );
          setMatMulMode('native');
          const reference = (x: tf.Tensor, y: tf.Tensor) =>
            tf.sum(
              tf.mul(tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D, transposeA, transposeB), dy),
            );
          const theirs = tf.grads(reference)([a, b]);
          setMatMulMode(mode);
          const [da, db] = ours([a, b]);
          expectAllClose(
            matMul(a, b, transposeA, transposeB),
            tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, transposeA, transposeB),
          );
          expectAllClose(da as tf.Tensor, theirs[0] as tf.Tensor);
          expectAllClose(db as tf.Tensor, theirs[1] as tf.Tensor);
        });
      }
    }
  }

  it('agrees with central finite differences', () => {
    setMatMulMode('explicit-transpose');
    const a = tf.randomNormal([3, 4], 0, 1, 'float32', 4);
    const b = tf.randomNormal([5, 4], 0, 1, 'float32', 5);
    const f = (x: tf.Tensor) => tf.sum(tf.square(matMul(x, b, false, true)));
    const analytic = tf.grad(f)(a).dataSync();
    const base = a.dataSync();
    const h = 1e-2;
    for (let i = 0; i < base.length; i++) {
      const plus = base.slice();
      const minus = base.slice();
      plus[i] = (plus[i] as number) + h;
      minus[i] = (minus[i] as number) - h;
      const numeric =
        ((f(tf.tensor(plus, [3, 4])).dataSync()[0] as number) -
          (f(tf.tensor(minus, [3, 4])).dataSync()[0] as number)) /
        (2 * h);
      expect(Math.abs((analytic[i] as number) - numeric)).toBeLessThan(
        2e-2 * (1 + Math.abs(numeric)),
      );
    }
  });

  it('leaks no tensors in either mode', () => {
    const a = tf.randomNormal([2, 3, 4]);
    const b = tf.randomNormal([2, 5, 4]);
    for (const mode of ['explicit-transpose', 'native'] as const) {
      setMatMulMode(mode);
      tf.dispose(
        tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(matMul(x, y, false, true)))([a, b]),
      );
      const before = tf.memory().numTensors;
      tf.dispose(
        tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(matMul(x, y, false, true)))([a, b]),
      );
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('rejects an unknown mode', () => {
    expect(() => setMatMulMode('fast' as MatMulMode)).toThrow(
      "[setMatMulMode] mode must be 'auto', 'explicit-transpose' or 'native', got \"fast\"",
    );
  });
});

describe('dense', () => {
  it('folds leading axes into one 2-D product, with or without a transposed kernel', () => {
    const x = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 6);
    const w = tf.randomNormal([4, 5], 0, 1, 'float32', 7);
    const expected = tf.reshape(tf.matMul(tf.reshape(x, [6, 4]), w), [2, 3, 5]);
    expectAllClose(dense(x, w), expected);
    expectAllClose(dense(x, tf.transpose(w), true), expected);
  });
});
