// An independent next-token cross-entropy: float64 log-softmax in plain JavaScript from the
// model's logits, sharing no code with the library's loss.
import type * as tf from '@tensorflow/tfjs';

/** Mean over rows and positions of `logsumexp(z) − z[y]`, in float64. */
export async function crossEntropyOf(logits: tf.Tensor, targets: tf.Tensor): Promise<number> {
  const z = await logits.data();
  const y = await targets.data();
  const vocab = logits.shape[logits.rank - 1] as number;
  let total = 0;
  for (let t = 0; t < y.length; t++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < vocab; k++) max = Math.max(max, z[t * vocab + k] as number);
    let sum = 0;
    for (let k = 0; k < vocab; k++) sum += Math.exp((z[t * vocab + k] as number) - max);
    total += Math.log(sum) + max - (z[t * vocab + (y[t] as number)] as number);
  }
  return total / y.length;
}
