import * as tf from '@tensorflow/tfjs';
import { fail } from '../analysis/validation.js';

/** Checks a `[rows, seq + 1]` int32 token batch; returns its shape. @internal */
export function checkTokens(owner: string, tokens: tf.Tensor): [number, number] {
  if (!(tokens instanceof tf.Tensor) || tokens.rank !== 2 || (tokens.shape[1] as number) < 2)
    fail(
      owner,
      `tokens must be a [rows, seq + 1] tensor with seq ≥ 1, got ${tokens instanceof tf.Tensor ? `shape [${tokens.shape}]` : String(tokens)}`,
    );
  if (tokens.dtype !== 'int32') fail(owner, `tokens must be int32, got ${tokens.dtype}`);
  return tokens.shape as [number, number];
}

/**
 * Inputs and next-token targets of a token batch: `tokens[:, :-1]` and `tokens[:, 1:]`.
 * @internal
 */
export function splitTokens(
  owner: string,
  tokens: tf.Tensor,
): { inputs: tf.Tensor2D; targets: tf.Tensor2D } {
  const [rows, length] = checkTokens(owner, tokens);
  return {
    inputs: tf.slice(tokens, [0, 0], [rows, length - 1]) as tf.Tensor2D,
    targets: tf.slice(tokens, [0, 1], [rows, length - 1]) as tf.Tensor2D,
  };
}
