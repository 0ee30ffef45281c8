// The checks every layer passes (DESIGN.md "Tests"): output shape, trainable-weight count,
// config round-trip, one optimizer step lowers a loss, no leaked tensors, use inside tf.model
// with model.fit, and a save → load round-trip.
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { saveToMemory } from './save-to-memory.js';

export interface InputSpec {
  /** Shape including the batch axis. */
  shape: number[];
  dtype?: 'float32' | 'int32';
  /** Exclusive upper bound of int32 values (token ids). */
  maxValue?: number;
  /** Fill with 0/1 (a padding mask whose first column is 1). */
  mask?: boolean;
}

type Callable = tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[];

export interface LayerContract {
  create: () => tf.layers.Layer;
  inputs: InputSpec[];
  outputShape: number[];
  trainableWeights: number;
  /** How the layer is called on its inputs (heads: through their embedding). Default `layer.apply`. */
  call?: (layer: tf.layers.Layer, inputs: Callable) => Callable;
  /** Rebuilds the layer from its config (heads: with their embedding). Default `fromConfig`. */
  revive?: (layer: tf.layers.Layer, config: tf.serialization.ConfigDict) => tf.layers.Layer;
  /** Trainable weights of a model around the layer. Default `trainableWeights`. */
  modelTrainableWeights?: number;
}

function makeInput(spec: InputSpec, seed: number): tf.Tensor {
  if (spec.dtype === 'int32') return tf.randomUniformInt(spec.shape, 0, spec.maxValue ?? 10, seed);
  if (spec.mask) {
    return tf.tidy(() => {
      const random = tf.cast(
        tf.greater(tf.randomUniform(spec.shape, 0, 1, 'float32', seed), 0.3),
        'float32',
      );
      const firstColumn = tf.oneHot(
        tf.zeros([spec.shape[0] as number], 'int32'),
        spec.shape[1] as number,
      );
      return tf.maximum(random, firstColumn);
    });
  }
  return tf.randomNormal(spec.shape, 0, 1, 'float32', seed);
}

function makeInputs(contract: LayerContract, seed = 1): tf.Tensor | tf.Tensor[] {
  const tensors = contract.inputs.map((spec, i) => makeInput(spec, seed + i));
  return tensors.length === 1 ? (tensors[0] as tf.Tensor) : tensors;
}

export async function expectLayerContract(contract: LayerContract): Promise<void> {
  const call = contract.call ?? ((l: tf.layers.Layer, x: Callable) => l.apply(x));
  const layer = contract.create();
  const inputs = makeInputs(contract);

  // Output shape and weights.
  const output = call(layer, inputs) as tf.Tensor;
  expect(output.shape).toEqual(contract.outputShape);
  expect(layer.trainableWeights.length).toBe(contract.trainableWeights);
  const values = output.dataSync();
  expect(values.every(Number.isFinite)).toBe(true);

  // Config round-trip: same config, same output with the same weights.
  const cls = layer.constructor as tf.serialization.SerializableConstructor<tf.layers.Layer>;
  const config = layer.getConfig();
  const serialized = JSON.parse(JSON.stringify(config));
  const copy = contract.revive
    ? contract.revive(layer, serialized)
    : cls.fromConfig(cls, serialized);
  expect(copy.getConfig()).toEqual(config);
  call(copy, inputs);
  copy.setWeights(layer.getWeights());
  const copied = call(copy, inputs) as tf.Tensor;
  expect(Array.from(copied.dataSync())).toEqual(Array.from(values));
  tf.dispose([copied, output]);

  // One optimizer step lowers a loss.
  const target = tf.randomNormal(contract.outputShape, 0, 1, 'float32', 99);
  const loss = () =>
    tf.mean(tf.square(tf.sub(call(layer, inputs) as tf.Tensor, target))) as tf.Scalar;
  const optimizer = tf.train.sgd(0.1);
  const before = tf.tidy(() => loss().dataSync()[0] as number);
  tf.dispose(optimizer.minimize(loss, true) ?? undefined);
  const after = tf.tidy(() => loss().dataSync()[0] as number);
  expect(after).toBeLessThan(before);

  // No leaked tensors once warm: a forward pass and a training step.
  const step = () => tf.dispose(optimizer.minimize(loss, true) ?? undefined);
  step();
  const tensorsBefore = tf.memory().numTensors;
  tf.dispose(call(layer, inputs) as tf.Tensor);
  step();
  step();
  expect(tf.memory().numTensors).toBe(tensorsBefore);
  tf.dispose([target, inputs]);
  optimizer.dispose();

  // Inside tf.model with model.fit, then save → load.
  const symbolic = contract.inputs.map((spec) =>
    tf.input({ shape: spec.shape.slice(1), dtype: spec.dtype ?? 'float32' }),
  );
  const fresh = contract.create();
  const out = call(
    fresh,
    symbolic.length === 1 ? (symbolic[0] as tf.SymbolicTensor) : symbolic,
  ) as tf.SymbolicTensor;
  expect(out.shape.slice(1)).toEqual(contract.outputShape.slice(1));
  const model = tf.model({ inputs: symbolic, outputs: out });
  model.compile({ optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError' });
  const x = makeInputs(contract, 7);
  const y = tf.randomNormal(contract.outputShape, 0, 1, 'float32', 8);
  const history = await model.fit(x, y, {
    epochs: 2,
    batchSize: contract.outputShape[0],
    verbose: 0,
  });
  const losses = history.history.loss as number[];
  expect(losses.every(Number.isFinite)).toBe(true);
  expect(losses[1] as number).toBeLessThan(losses[0] as number);

  const loaded = await tf.loadLayersModel(tf.io.fromMemory(await saveToMemory(model)));
  expect(loaded.trainableWeights.length).toBe(
    contract.modelTrainableWeights ?? contract.trainableWeights,
  );
  const original = model.predict(x) as tf.Tensor;
  const restored = loaded.predict(x) as tf.Tensor;
  expect(Array.from(restored.dataSync())).toEqual(Array.from(original.dataSync()));
  tf.dispose([x, y, original, restored]);
}
