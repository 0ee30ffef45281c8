/**
 * Prints the estimate-vs-measured tables of docs/initial-loss.md ("In a real model"):
 * the validation grid of scripts/initial-loss-grid.ts measured on real createCausalLM models,
 * and the GPT-2-style models measured in PyTorch (tests/fixtures/gpt2-initial-loss.json,
 * written by scripts/gpt2_initial_loss.py). Rerun with
 *
 *     npx tsx scripts/initial-loss-table.ts
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { useFastestBackend } from 'tiedformer';
import { type CausalLMAnalysisOptions, estimateCausalLMInitialLoss } from 'tiedformer/analysis';
import { GRID, measureGridPoint, SEQUENCE_LENGTH } from './initial-loss-grid.js';

const backend = await useFastestBackend();
const f = (x: number, digits = 2) => x.toFixed(digits);
const describe = (o: CausalLMAnalysisOptions) =>
  [
    `n ${o.vocabSize}, d ${o.hiddenSize}, L ${o.numLayers}, ${o.head}, σ ${typeof o.embeddingStd === 'number' ? o.embeddingStd : (o.embeddingStd ?? 0.02)}, ${o.activation ?? 'gelu'}, ${o.residualInit ?? 'scaled'}`,
    // The architecture options, only where they differ from the defaults.
    o.norm === 'layernorm' ? 'LayerNorm' : '',
    o.normUnitOffset ? '1 + w norms' : '',
    o.positionEmbedding === 'learned'
      ? `learned positions ${o.positionStd ?? o.initStd ?? 0.02}`
      : '',
    o.positionEmbedding === 'none' || o.rotary === false ? 'no positions' : '',
    o.embeddingScale !== undefined ? `scale ${f(o.embeddingScale)}` : '',
    o.headDim !== undefined ? `headDim ${o.headDim}` : '',
    o.numKeyValueHeads !== undefined ? `kv heads ${o.numKeyValueHeads}` : '',
    o.useBias || o.qkvBias || o.mlpBias || o.outputBias ? 'biases' : '',
  ]
    .filter((s) => s !== '')
    .join(', ');

console.log(
  `createCausalLM models, measureInitialLoss on seeded uniform random tokens (${SEQUENCE_LENGTH} positions), ${backend} backend, ${new Date().toISOString().slice(0, 10)}:\n`,
);
console.log(
  '| model | measured (± s.e.) | estimate | error | 2-gram | ln n |\n|---|---|---|---|---|---|',
);
let sum = 0;
let max = 0;
GRID.forEach((point, index) => {
  const r = measureGridPoint(point, index);
  const error = r.estimated - r.measured;
  sum += Math.abs(error);
  max = Math.max(max, Math.abs(error));
  console.log(
    `| ${point.label} (${describe(point.options)}) | ${f(r.measured, 3)} ± ${f(r.standardError, 3)} | ${f(r.estimated, 3)} | ${error >= 0 ? '+' : ''}${f(error, 3)} | ${f(r.twoGram)} | ${f(r.uniform)} |`,
  );
});
console.log(`\nMean |error| ${f(sum / GRID.length, 3)} nats, max ${f(max, 3)}.\n`);

const fixture = JSON.parse(
  readFileSync(new URL('../tests/fixtures/gpt2-initial-loss.json', import.meta.url), 'utf8'),
) as {
  torch: string;
  cases: {
    label: string;
    options: CausalLMAnalysisOptions;
    sequenceLength: number;
    measured: number;
    standardError: number;
    seeds: number;
  }[];
};
console.log(
  `GPT-2-style models (LayerNorm ε 1e-5, learned positions, tanh-GELU, biases, tied), measured in PyTorch ${fixture.torch} by scripts/gpt2_initial_loss.py:\n`,
);
console.log(
  '| model | measured (± s.e.) | estimate | error | 2-gram | √(π² + ρ²) | ln n |\n|---|---|---|---|---|---|---|',
);
for (const c of fixture.cases) {
  const e = estimateCausalLMInitialLoss(c.options, { sequenceLength: c.sequenceLength });
  const error = e.loss - c.measured;
  console.log(
    `| ${c.label} | ${f(c.measured, 3)} ± ${f(c.standardError, 3)} | ${f(e.loss, 3)} | ${error >= 0 ? '+' : ''}${f(error, 3)} | ${f(e.twoGramLoss)} | ${f(Math.sqrt(e.positionVariance + e.residualVariance), 3)} | ${f(e.uniform)} |`,
  );
}
tf.disposeVariables();
