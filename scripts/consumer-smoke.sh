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

# 2. the main entry with tfjs installed, and TypeScript consumers of both entries.
mkdir "$work/full" && cd "$work/full"
npm init -y >/dev/null
npm pkg set type=module
npm install --silent --no-audit --no-fund "$tarball" "@tensorflow/tfjs@$(node -p "require('$root/node_modules/@tensorflow/tfjs/package.json').version")" \
  "typescript@$(node -p "require('$root/node_modules/typescript/package.json').version")" "@types/node@20"
cat > main.mjs <<'JS'
import * as tiedformer from 'tiedformer';
if (typeof tiedformer.countParams !== 'function') throw new Error('main entry misses countParams');
console.log('ESM main ok:', Object.keys(tiedformer).length, 'exports');
JS
cat > main.cjs <<'JS'
const tiedformer = require('tiedformer');
if (typeof tiedformer.embeddingShare !== 'function') throw new Error('CJS main entry');
console.log('CJS main ok');
JS
cat > consumer.ts <<'TS'
import { countParams, type ModelConfig, type InitialLossEstimate, estimateInitialLoss } from 'tiedformer/analysis';
import * as main from 'tiedformer';
const config: ModelConfig = { vocabSize: 8192, hiddenSize: 256, numLayers: 4, numHeads: 4, intermediateSize: 1024 };
const total: number = countParams(config).total;
const estimate: InitialLossEstimate = estimateInitialLoss({ vocabSize: 8192, hiddenSize: 256, std: 0.02, head: 'ortho' });
const share: number = main.embeddingShare(8192, 256, total);
console.log(total, estimate.loss, share);
TS
for resolution in node16 bundler; do
  module=$([ "$resolution" = node16 ] && echo node16 || echo esnext)
  npx tsc --noEmit --strict --module "$module" --moduleResolution "$resolution" --target es2022 --types node --skipLibCheck false consumer.ts
  echo "TypeScript ($resolution) ok"
done
node main.mjs
node main.cjs
echo "consumer smoke test passed"
