#!/usr/bin/env bash
# Packs tiedformer, installs the tarball into fresh temporary projects and uses it the way a
# consumer would: ESM, CommonJS and type-checked TypeScript. The analysis subpath is checked
# in a project WITHOUT TensorFlow.js installed, which proves it never loads tfjs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$root"
tarball="$work/$(npm pack --silent --pack-destination "$work" | tail -n 1)"
echo "packed $tarball"

# 1. analysis only, no tfjs in node_modules at all.
mkdir "$work/analysis-only" && cd "$work/analysis-only"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund --omit=peer "$tarball"
test ! -e node_modules/@tensorflow || { echo "tfjs was installed in the analysis-only project" >&2; exit 1; }
cat > esm.mjs <<'JS'
import { embeddingShare, countParams, presets } from 'tiedformer/analysis';
const share = embeddingShare(128256, 4096, 8030261248);
if (Math.abs(share - 0.0654) > 5e-5) throw new Error(`share ${share}`);
if (countParams(presets.gpt2.config).total !== 124439808) throw new Error('gpt2 total');
console.log('ESM analysis ok:', share.toFixed(4));
JS
cat > cjs.cjs <<'JS'
const { estimateInitialLoss, monteCarloInitialLoss } = require('tiedformer/analysis');
const e = estimateInitialLoss({ vocabSize: 50257, hiddenSize: 768, std: 0.02, head: 'tied' });
if (Math.abs(e.loss - 15.37) > 0.05) throw new Error(`loss ${e.loss}`);
const mc = monteCarloInitialLoss({ vocabSize: 200, hiddenSize: 8, std: 0.1, head: 'tied', numMatrices: 2 });
if (!(mc.loss > 0)) throw new Error('monte carlo');
const loaded = Object.keys(require.cache).filter((p) => p.includes('@tensorflow'));
if (loaded.length) throw new Error(`tfjs loaded: ${loaded}`);
console.log('CJS analysis ok:', e.loss.toFixed(2));
JS
node esm.mjs
node cjs.cjs
# Our declaration files, checked strictly (skipLibCheck false) where no tfjs types are involved.
npm install --silent --no-audit --no-fund "typescript@$(node -p "require('$root/node_modules/typescript/package.json').version")" "@types/node@20"
cat > analysis.ts <<'TS'
import { countParams, estimateInitialLoss, type ModelConfig, type InitialLossEstimate } from 'tiedformer/analysis';
const config: ModelConfig = { vocabSize: 8192, hiddenSize: 256, numLayers: 4, numHeads: 4, intermediateSize: 1024 };
const estimate: InitialLossEstimate = estimateInitialLoss({ vocabSize: 8192, hiddenSize: 256, std: 0.02, head: 'ortho' });
console.log(countParams(config).total, estimate.loss);
TS
for resolution in node16 bundler; do
  module=$([ "$resolution" = node16 ] && echo node16 || echo esnext)
  npx tsc --noEmit --strict --module "$module" --moduleResolution "$resolution" --target es2022 --types node --skipLibCheck false analysis.ts
done
echo "TypeScript (analysis, skipLibCheck false) ok"

# 2. the main entry with tfjs installed, and TypeScript consumers of both entries.
mkdir "$work/full" && cd "$work/full"
npm init -y >/dev/null
npm pkg set type=module
npm install --silent --no-audit --no-fund "$tarball" "@tensorflow/tfjs@$(node -p "require('$root/node_modules/@tensorflow/tfjs/package.json').version")" \
  "typescript@$(node -p "require('$root/node_modules/typescript/package.json').version")" "@types/node@20"
cat > main.mjs <<'JS'
// A tied model from the layers: fit one step, save to memory, load, and compare predictions.
import * as tf from '@tensorflow/tfjs';
import { RMSNorm, TokenEmbedding, TransformerBlock } from 'tiedformer';
import { countParams } from 'tiedformer/analysis';
import { readSafetensors, writeSafetensors } from 'tiedformer/interop';
const embedding = new TokenEmbedding({ vocabSize: 50, hiddenSize: 16 });
const ids = tf.input({ shape: [8], dtype: 'int32' });
let h = embedding.apply(ids);
h = new TransformerBlock({ numHeads: 2, intermediateSize: 32 }).apply(h);
const logits = embedding.apply(new RMSNorm({}).apply(h));
const model = tf.model({ inputs: ids, outputs: logits });
const expected = countParams({ vocabSize: 50, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32 }).total;
if (model.countParams() !== expected) throw new Error(`countParams ${model.countParams()} != ${expected}`);
model.compile({ optimizer: 'adam', loss: (y, p) => tf.losses.softmaxCrossEntropy(y, p) });
const x = tf.randomUniformInt([2, 8], 0, 50);
await model.fit(x, tf.oneHot(x.reshape([-1]), 50).reshape([2, 8, 50]), { epochs: 1, verbose: 0 });
let saved;
await model.save(tf.io.withSaveHandler(async (a) => { saved = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved));
const diff = tf.max(tf.abs(tf.sub(model.predict(x), loaded.predict(x)))).dataSync()[0];
if (diff !== 0) throw new Error(`save/load changed predictions by ${diff}`);
const st = readSafetensors(writeSafetensors({ w: { shape: [2], data: new Float32Array([1, 2]) } }));
if (st.tensors.get('w')?.data[1] !== 2) throw new Error('tiedformer/interop safetensors round trip');
console.log('ESM main ok: tied model trains, saves and loads;', model.countParams(), 'parameters; interop entry loads');
JS
cat > main.cjs <<'JS'
const tf = require('@tensorflow/tfjs');
const { TokenEmbedding } = require('tiedformer');
const { embeddingShare } = require('tiedformer/analysis');
const { toHuggingFace } = require('tiedformer/interop');
if (typeof embeddingShare !== 'function') throw new Error('CJS analysis entry');
if (typeof toHuggingFace !== 'function') throw new Error('CJS interop entry');
const embedding = new TokenEmbedding({ vocabSize: 10, hiddenSize: 4 });
const rows = embedding.apply(tf.tensor2d([[1, 2]], [1, 2], 'int32'));
if (rows.shape.join() !== '1,2,4') throw new Error(`lookup shape ${rows.shape}`);
let rejected = false;
try {
  embedding.apply(tf.tensor2d([[10]], [1, 1], 'int32'));
} catch (e) {
  rejected = String(e.message).startsWith('[TokenEmbedding] token id 10');
}
if (!rejected) throw new Error('out-of-range id not rejected with the documented message');
console.log('CJS main ok: lookup and id check');
JS
cat > consumer.ts <<'TS'
import * as tf from '@tensorflow/tfjs';
import { countParams, embeddingShare, type ModelConfig, type InitialLossEstimate, estimateInitialLoss } from 'tiedformer/analysis';
import type { HuggingFaceFiles } from 'tiedformer/interop';
import * as main from 'tiedformer';
const block: main.TransformerBlock = new main.TransformerBlock({ numHeads: 2, intermediateSize: 8, residualInit: 'zero' });
const y = block.apply(tf.zeros([1, 2, 4])) as tf.Tensor;
const args: main.MultiHeadAttentionArgs = { numHeads: 2, causal: true };
const config: ModelConfig = { vocabSize: 8192, hiddenSize: 256, numLayers: 4, numHeads: 4, intermediateSize: 1024 };
const total: number = countParams(config).total;
const estimate: InitialLossEstimate = estimateInitialLoss({ vocabSize: 8192, hiddenSize: 256, std: 0.02, head: 'ortho' });
const share: number = embeddingShare(8192, 256, total);
const files: HuggingFaceFiles = {};
const rootConfig: main.ModelConfig = config;
console.log(total, estimate.loss, share, y.shape, args, files, rootConfig);
TS
for resolution in node16 bundler; do
  module=$([ "$resolution" = node16 ] && echo node16 || echo esnext)
  npx tsc --noEmit --strict --module "$module" --moduleResolution "$resolution" --target es2022 --types node --skipLibCheck true consumer.ts
  echo "TypeScript ($resolution, with tfjs) ok"
done
node main.mjs
node main.cjs
# Data parallelism from the installed package: both builds find and start the shipped replica
# script (dist/data-parallel-worker.js / .cjs) and the two replicas agree with each other.
cat > dp.mjs <<'JS'
import { DataParallelTrainer } from 'tiedformer/node';
const model = { vocabSize: 30, hiddenSize: 8, numLayers: 1, numHeads: 2, intermediateSize: 16, head: 'tied', seed: 1 };
const trainer = await DataParallelTrainer.start({ model, workers: 2, backend: 'cpu' });
const loss = await trainer.step([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]]);
await trainer.close();
if (!(loss > 0)) throw new Error(`loss ${loss}`);
console.log('ESM data-parallel ok: loss', loss.toFixed(4));
JS
cat > dp.cjs <<'JS'
const { DataParallelTrainer } = require('tiedformer/node');
const model = { vocabSize: 30, hiddenSize: 8, numLayers: 1, numHeads: 2, intermediateSize: 16, head: 'tied', seed: 1 };
DataParallelTrainer.start({ model, workers: 2, backend: 'cpu' }).then(async (trainer) => {
  const loss = await trainer.step([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]]);
  await trainer.close();
  if (!(loss > 0)) throw new Error(`loss ${loss}`);
  console.log('CJS data-parallel ok: loss', loss.toFixed(4));
});
JS
node dp.mjs
node dp.cjs
echo "consumer smoke test passed"
