import { describe, expect, it } from 'vitest';
import { countParams } from '../../src/analysis/count-params.js';
import { checkWasmHeap } from '../../src/interop/check-wasm-heap.js';

// Llama-3.2-1B's shape (HF config.json): 1,235,814,400 parameters, 4.60 GiB as float32.
const llama1B = countParams({
  vocabSize: 128256,
  hiddenSize: 2048,
  numLayers: 16,
  numHeads: 32,
  numKeyValueHeads: 8,
  intermediateSize: 8192,
  mlp: 'gated',
}).total;

describe('checkWasmHeap', () => {
  it('refuses, on wasm only, float32 weights the 4 GiB heap cannot hold', () => {
    expect(llama1B).toBe(1_235_814_400);
    expect(() => checkWasmHeap('fromHuggingFace', llama1B, 'wasm')).toThrow(
      "[fromHuggingFace] the model has 1235814400 parameters (4.60 GiB as float32): more than the wasm backend's 4 GiB heap holds with 512 MiB left for activations",
    );
    expect(() => checkWasmHeap('fromHuggingFace', llama1B, 'cpu')).not.toThrow();
  });

  it('lets SmolLM-135M (0.50 GiB) and an 0.9 B model through', () => {
    expect(() => checkWasmHeap('fromHuggingFace', 134_515_008, 'wasm')).not.toThrow();
    expect(() => checkWasmHeap('fromHuggingFace', 900_000_000, 'wasm')).not.toThrow();
    expect(() => checkWasmHeap('fromHuggingFace', 950_000_000, 'wasm')).toThrow(
      '950000000 parameters',
    );
  });
});
