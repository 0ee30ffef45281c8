import * as tf from '@tensorflow/tfjs';
import { boolean, fail, positiveInteger } from '../analysis/validation.js';

/**
 * Options of {@link fitSparse}: a subset of tfjs' `ModelFitArgs`, with the same meanings.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import type { FitSparseArgs } from 'tiedformer';
 * const args: FitSparseArgs = { batchSize: 16, epochs: 3, callbacks: [tf.callbacks.earlyStopping({ monitor: 'val_loss' })] };
 * ```
 */
export interface FitSparseArgs {
  /** Rows per gradient step. Default `32`. */
  batchSize?: number;
  /** Passes over the data. Default `1`. */
  epochs?: number;
  /** Reshuffle the rows before every epoch. Default `true`. */
  shuffle?: boolean;
  /** `[inputs, targets]` scored after every epoch (logged as `val_loss`, `val_<metric>`). */
  validationData?: [tf.Tensor, tf.Tensor];
  /** tfjs callbacks (`onBatchEnd`, `onEpochEnd`, `tf.callbacks.earlyStopping(...)`, ...). */
  callbacks?: tf.CustomCallbackArgs | tf.CustomCallbackArgs[] | tf.Callback[];
  /** tfjs' verbosity: `0` silent, `1` a progress line per epoch. Default `0`. */
  verbose?: 0 | 1;
  /** Epoch to start counting from (resuming). Default `0`. */
  initialEpoch?: number;
}

function checkPair(owner: string, label: string, x: unknown, y: unknown): [tf.Tensor, tf.Tensor] {
  if (!(x instanceof tf.Tensor) || !(y instanceof tf.Tensor))
    fail(owner, `${label} inputs and targets must be tensors`);
  if (x.rank !== 2) fail(owner, `${label} inputs must be [batch, seq] ids, got shape [${x.shape}]`);
  const shapeOk =
    y.shape[0] === x.shape[0] &&
    y.shape[1] === x.shape[1] &&
    (y.rank === 2 || (y.rank === 3 && y.shape[2] === 1));
  if (!shapeOk)
    fail(
      owner,
      `${label} targets must be [${x.shape}] or [${x.shape},1] to match the inputs, got [${y.shape}]`,
    );
  return [x, y];
}

/** Batches of rows of `x` and `y`, reshuffled at every pass when `shuffle`. */
function batches(x: tf.Tensor, y: tf.Tensor, batchSize: number, shuffle: boolean) {
  const rows = x.shape[0] as number;
  return tf.data.generator(function* () {
    const order = Int32Array.from({ length: rows }, (_, i) => i);
    if (shuffle) tf.util.shuffle(order);
    for (let start = 0; start < rows; start += batchSize) {
      const index = order.slice(start, Math.min(rows, start + batchSize));
      // fitDataset disposes each batch after its step.
      yield tf.tidy(() => {
        const picked = tf.tensor1d(index, 'int32');
        return { xs: tf.gather(x, picked), ys: tf.gather(y, picked) };
      });
    }
  });
}

/**
 * `model.fit` for sparse targets: trains on token-id inputs `x` `[rows, seq]` and integer
 * targets `y` `[rows, seq]` (or `[rows, seq, 1]`) with the loss and metrics the model was
 * compiled with, e.g. {@link sparseCategoricalCrossentropyFromLogits} and {@link perplexity}.
 *
 * Why it exists: tfjs' `model.fit` checks a custom loss's targets against the model's output
 * shape `[batch, seq, vocabSize]`, so it accepts only one-hot targets; `model.fitDataset` has
 * no such check. This wraps the tensors in a `tf.data` dataset (shuffled rows, `batchSize` per
 * batch) and calls `model.fitDataset`; the returned `History` and the callbacks are tfjs' own.
 *
 * @param model - A compiled model.
 * @param x - Input ids `[rows, seq]`, int32.
 * @param y - Target ids `[rows, seq]` or `[rows, seq, 1]`.
 * @param args - Batch size, epochs, validation data, callbacks (see {@link FitSparseArgs}).
 * @returns tfjs' training history (`history.loss`, `history.val_loss`, ...).
 * @throws RangeError on mismatched shapes or bad options, naming the value.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { createCausalLM, fitSparse, sparseCategoricalCrossentropyFromLogits } from 'tiedformer';
 * const model = createCausalLM({ vocabSize: 100, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, head: 'tied' });
 * model.compile({ optimizer: tf.train.adam(1e-3), loss: sparseCategoricalCrossentropyFromLogits });
 * const tokens = tf.randomUniformInt([16, 9], 0, 100);
 * const x = tokens.slice([0, 0], [16, 8]);
 * const y = tokens.slice([0, 1], [16, 8]);
 * const history = await fitSparse(model, x, y, { batchSize: 4, epochs: 2, validationData: [x, y] });
 * console.log(history.history.loss, history.history.val_loss);
 * ```
 */
export async function fitSparse(
  model: tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  args: FitSparseArgs = {},
): Promise<tf.History> {
  const owner = 'fitSparse';
  checkPair(owner, 'training', x, y);
  const batchSize = positiveInteger(owner, 'batchSize', args.batchSize ?? 32);
  const epochs = positiveInteger(owner, 'epochs', args.epochs ?? 1);
  const shuffle = boolean(owner, 'shuffle', args.shuffle ?? true);
  const validation =
    args.validationData === undefined
      ? undefined
      : checkPair(owner, 'validation', args.validationData[0], args.validationData[1]);
  return model.fitDataset(batches(x, y, batchSize, shuffle), {
    epochs,
    verbose: args.verbose ?? 0,
    ...(args.initialEpoch === undefined ? {} : { initialEpoch: args.initialEpoch }),
    ...(args.callbacks === undefined ? {} : { callbacks: args.callbacks }),
    ...(validation === undefined
      ? {}
      : { validationData: batches(validation[0], validation[1], batchSize, false) }),
  });
}
