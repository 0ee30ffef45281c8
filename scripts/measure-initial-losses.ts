/**
 * Measures the initial loss of each head on random tokens next to the estimates, and prints a
 * markdown table: createCausalLM with one block, rotary positions, and residual branches either
 * zero-initialised (the 2-gram regime of estimateInitialLoss) or at the library's default
 * 'scaled' init (where only estimateCausalLMInitialLoss applies). The numbers in
 * docs/heads.md come from this script:
 *
 *     npx tsx scripts/measure-initial-losses.ts
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createCausalLM, measureInitialLoss, useFastestBackend } from 'tiedformer';
import {
  estimateCausalLMInitialLoss,
  estimateInitialLoss,
  type HeadKind,
  recommendedTiedStd,
} from 'tiedformer/analysis';

const backend = await useFastestBackend();
const rows: string[] = [];
for (const [n, d, std] of [
  [8192, 256, 0.02],
  [8192, 256, 0.1],
  [50257, 768, 0.02],
] as const) {
  const tokens = tf.tidy(() => tf.randomUniformInt([8, 65], 0, n, 1).arraySync() as number[][]);
  const variants: [string, HeadKind, number][] = [
    ['tied', 'tied', std],
    ['tied, σ = ln(n)/d', 'tied', recommendedTiedStd(n, d)],
    ['shuffled (swap halves)', 'shuffled', std],
    ['ortho', 'ortho', std],
    ['untied', 'untied', std],
  ];
  for (const [label, head, sigma] of variants) {
    for (const residualInit of ['zero', 'scaled'] as const) {
      const options = {
        vocabSize: n,
        hiddenSize: d,
        numLayers: 1,
        numHeads: 4,
        intermediateSize: 4 * d,
        head,
        embeddingStd: sigma,
        initStd: 0.02,
        residualInit,
        seed: 1,
      };
      const model = createCausalLM(options);
      const measured = measureInitialLoss(model, tokens);
      const modelLevel = estimateCausalLMInitialLoss(options, { sequenceLength: 64 }).loss;
      const estimated = estimateInitialLoss({
        vocabSize: n,
        hiddenSize: d,
        std: sigma,
        head,
        ...(head === 'shuffled' ? { shuffle: 'swap-halves' as const } : {}),
      }).loss;
      rows.push(
        `| ${n} | ${d} | ${sigma.toFixed(4)} | ${label} | ${residualInit} | ${measured.toFixed(2)} | ${modelLevel.toFixed(2)} | ${estimated.toFixed(2)} | ${Math.log(n).toFixed(2)} |`,
      );
      model.dispose();
    }
  }
}
console.log(
  `Measured on ${backend}, ${new Date().toISOString().slice(0, 10)}, 8 × 64 random tokens:\n`,
);
console.log(
  '| n | d | σ | head | residualInit | measured | estimateCausalLMInitialLoss | 2-gram estimateInitialLoss | ln n |\n|---|---|---|---|---|---|---|---|---|',
);
console.log(rows.join('\n'));
