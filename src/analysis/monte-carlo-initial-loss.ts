import { type InitialLossOptions, resolveInitialLossOptions } from './initial-loss.js';
import { orthonormalizeRows } from './orthonormal-rows.js';
import { normal } from './seeded-random.js';
import { type ShuffleSpec, shufflePermutation } from './shuffle-permutation.js';
import { positiveInteger } from './validation.js';

/**
 * Options of {@link monteCarloInitialLoss}: those of {@link estimateInitialLoss} plus the
 * sampling budget and seed.
 *
 * @example
 * ```ts
 * import type { MonteCarloOptions } from 'tiedformer/analysis';
 * const opts: MonteCarloOptions = {
 *   vocabSize: 1000, hiddenSize: 64, std: 0.02, head: 'tied', numMatrices: 8, seed: 1,
 * };
 * ```
 */
export interface MonteCarloOptions extends InitialLossOptions {
  /** Independent embedding draws (each a fresh `n×d` matrix). Default `16`. */
  numMatrices?: number;
  /** Input tokens evaluated per matrix. Default `64`. */
  tokensPerMatrix?: number;
  /** Seed of the Mersenne-Twister generator (positive integer); same seed, same result. Default `1`. */
  seed?: number;
}

/**
 * Result of {@link monteCarloInitialLoss}. Values in nats.
 *
 * @example
 * ```ts
 * import { monteCarloInitialLoss, type MonteCarloEstimate } from 'tiedformer/analysis';
 * const mc: MonteCarloEstimate = monteCarloInitialLoss({
 *   vocabSize: 500, hiddenSize: 32, std: 0.1, head: 'untied', numMatrices: 4,
 * });
 * console.log(`${mc.loss.toFixed(3)} ± ${mc.standardError.toFixed(3)}`);
 * ```
 */
export interface MonteCarloEstimate {
  /** Mean sampled cross-entropy. */
  loss: number;
  /** Standard error of `loss`, from the spread of the per-matrix means. */
  standardError: number;
  /** Number of (matrix, input token) pairs averaged. */
  samples: number;
}

/**
 * Samples the initial cross-entropy of the 2-gram model that {@link estimateInitialLoss}
 * describes, in plain JavaScript (no TensorFlow.js): draw `E` with i.i.d. `N(0, σ²)` entries,
 * take an input token `i`, normalise its row (RMSNorm or LayerNorm, unit gain, ε = 0), apply
 * the head (untied: an independent output matrix; ortho: a Haar-random orthogonal `d×d`
 * matrix; shuffled: the permutation), and average `logsumexp(z) − z_t` over every target
 * `t ≠ i`. Cost ≈ `numMatrices · (tokensPerMatrix + 1) · n · d` multiply-adds.
 *
 * Use it where the closed form is weakest (`1.6 ≲ σ√d ≲ 8`) or as an independent check.
 *
 * @param opts - The model and the sampling budget.
 * @returns The mean loss, its standard error and the number of samples.
 * @throws RangeError on the same bad input as {@link estimateInitialLoss}, or a non-positive
 *   budget or seed.
 * @example
 * ```ts
 * import { estimateInitialLoss, monteCarloInitialLoss } from 'tiedformer/analysis';
 * const model = { vocabSize: 2000, hiddenSize: 64, std: 0.05, head: 'tied' as const };
 * const mc = monteCarloInitialLoss({ ...model, seed: 42 });
 * const closedForm = estimateInitialLoss(model);
 * console.log(mc.loss, mc.standardError, closedForm.loss);
 * ```
 */
export function monteCarloInitialLoss(opts: MonteCarloOptions): MonteCarloEstimate {
  const owner = 'monteCarloInitialLoss';
  const {
    vocabSize: n,
    hiddenSize: d,
    std,
    head,
    norm,
    shuffle,
  } = resolveInitialLossOptions(owner, opts, ['numMatrices', 'tokensPerMatrix', 'seed']);
  const numMatrices = positiveInteger(owner, 'numMatrices', opts.numMatrices ?? 16);
  const tokensPerMatrix = positiveInteger(owner, 'tokensPerMatrix', opts.tokensPerMatrix ?? 64);
  const seed = positiveInteger(owner, 'seed', opts.seed ?? 1);
  const randn = normal.factory(0, 1, { seed });
  const permutation =
    head === 'shuffled' ? shufflePermutation(d, shuffle as ShuffleSpec).indices : undefined;

  const embedding = new Float64Array(n * d); // [n, d]
  const output = head === 'untied' ? new Float64Array(n * d) : embedding; // [n, d]
  const rotation = head === 'ortho' ? new Float64Array(d * d) : undefined; // [d, d]
  const h = new Float64Array(d);
  const projected = new Float64Array(d);
  const logits = new Float64Array(n);
  const matrixMeans: number[] = [];

  for (let m = 0; m < numMatrices; m++) {
    for (let j = 0; j < embedding.length; j++) embedding[j] = std * randn();
    if (output !== embedding) for (let j = 0; j < output.length; j++) output[j] = std * randn();
    if (rotation) {
      for (let j = 0; j < rotation.length; j++) rotation[j] = randn();
      orthonormalizeRows(rotation, d, d); // Haar-random orthogonal [d, d]
    }
    let sum = 0;
    for (let t = 0; t < tokensPerMatrix; t++) {
      const input = Math.floor((t * n) / tokensPerMatrix); // spread over rows; rows are exchangeable
      normalise(embedding, input, d, norm, h);
      const hPrime = applyHead(h, d, permutation, rotation, projected);
      let maxLogit = Number.NEGATIVE_INFINITY;
      let logitSum = 0;
      for (let k = 0; k < n; k++) {
        let z = 0;
        const row = k * d;
        for (let j = 0; j < d; j++) z += hPrime[j]! * output[row + j]!;
        logits[k] = z;
        if (z > maxLogit) maxLogit = z;
        logitSum += z;
      }
      let expSum = 0;
      for (let k = 0; k < n; k++) expSum += Math.exp(logits[k]! - maxLogit);
      const logSumExp = maxLogit + Math.log(expSum);
      // Mean over every target t ≠ i of logsumexp − z_t: exact expectation over a uniform target.
      sum += logSumExp - (logitSum - logits[input]!) / (n - 1);
    }
    matrixMeans.push(sum / tokensPerMatrix);
  }
  const loss = matrixMeans.reduce((a, b) => a + b, 0) / numMatrices;
  const variance =
    numMatrices > 1
      ? matrixMeans.reduce((a, b) => a + (b - loss) ** 2, 0) / (numMatrices - 1)
      : Number.NaN;
  return {
    loss,
    standardError: Math.sqrt(variance / numMatrices),
    samples: numMatrices * tokensPerMatrix,
  };
}

/** Writes `Norm(E[row])` into `out` (unit gain, ε = 0). */
function normalise(
  embedding: Float64Array,
  row: number,
  d: number,
  norm: 'rmsnorm' | 'layernorm',
  out: Float64Array,
): void {
  const start = row * d;
  let mean = 0;
  if (norm === 'layernorm') {
    for (let j = 0; j < d; j++) mean += embedding[start + j]!;
    mean /= d;
  }
  let squares = 0;
  for (let j = 0; j < d; j++) squares += (embedding[start + j]! - mean) ** 2;
  const scale = 1 / Math.sqrt(squares / d);
  for (let j = 0; j < d; j++) out[j] = (embedding[start + j]! - mean) * scale;
}

function applyHead(
  h: Float64Array,
  d: number,
  permutation: readonly number[] | undefined,
  rotation: Float64Array | undefined,
  out: Float64Array,
): Float64Array {
  if (permutation) {
    for (let j = 0; j < d; j++) out[j] = h[permutation[j]!]!;
    return out;
  }
  if (rotation) {
    for (let r = 0; r < d; r++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += rotation[r * d + j]! * h[j]!;
      out[r] = z;
    }
    return out;
  }
  return h;
}
