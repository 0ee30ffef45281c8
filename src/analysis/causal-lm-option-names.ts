/**
 * Every option name `createCausalLM` takes (and so the analysis accepts): one list, used by both
 * validators. Its own file, free of
 * imports, so that the model validator does not pull the analysis' special functions into the
 * root entry.
 * @internal
 */
export const CAUSAL_LM_OPTION_NAMES = [
  'vocabSize',
  'hiddenSize',
  'numLayers',
  'numHeads',
  'numKeyValueHeads',
  'intermediateSize',
  'activation',
  'head',
  'shuffle',
  'embeddingStd',
  'initStd',
  'residualInit',
  'rotary',
  'seqLen',
  'useBias',
  'dropout',
  'headBias',
  'logitSoftCap',
  'seed',
  'name',
  'norm',
  'normEpsilon',
  'normUnitOffset',
  'positionEmbedding',
  'maxPositions',
  'positionStd',
  'rotaryBase',
  'headDim',
  'embeddingScale',
  'qkvBias',
  'outputBias',
  'mlpBias',
] as const;
