/** The reference configurations of `npm run bench` (tied head, pre-norm RMSNorm, GELU FFN 4d, causal, Adam 1e-3). */
export interface BenchConfig {
  name: 'A' | 'B';
  vocabSize: number;
  seqLen: number;
  numLayers: number;
  numHeads: number;
  hiddenSize: number;
  batchSize: number;
}

export const CONFIGS: Record<'A' | 'B', BenchConfig> = {
  A: {
    name: 'A',
    vocabSize: 4096,
    seqLen: 64,
    numLayers: 2,
    numHeads: 4,
    hiddenSize: 128,
    batchSize: 8,
  },
  B: {
    name: 'B',
    vocabSize: 8192,
    seqLen: 128,
    numLayers: 4,
    numHeads: 4,
    hiddenSize: 256,
    batchSize: 8,
  },
};

/** createCausalLM options of a reference configuration (the bench's models and its workers). */
export function modelOptions(c: BenchConfig, head: 'tied' | 'untied') {
  return {
    vocabSize: c.vocabSize,
    hiddenSize: c.hiddenSize,
    numLayers: c.numLayers,
    numHeads: c.numHeads,
    intermediateSize: 4 * c.hiddenSize,
    head,
    rotary: false,
    seed: 1,
  } as const;
}
