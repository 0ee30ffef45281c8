import { knownOptions } from '../analysis/known-options.js';
import { boolean, fail, oneOf, positiveInteger, positiveNumber } from '../analysis/validation.js';
import { ffnActivation } from './ffn.js';
import type { TransformerBlockArgs } from './transformer-block.js';

/** Option names of {@link TransformerBlockArgs} (with the #10 checkpoint options). */
const NAMES = [
  'numHeads',
  'numKeyValueHeads',
  'headDim',
  'intermediateSize',
  'activation',
  'causal',
  'useBias',
  'qkvBias',
  'outputBias',
  'mlpBias',
  'norm',
  'epsilon',
  'normUnitOffset',
  'dropout',
  'rotary',
  'rotaryBase',
  'initStd',
  'residualInit',
  'numLayers',
  'seed',
];

/**
 * Checks a {@link TransformerBlock}'s options before anything is built, under the block's own
 * name: the options it passes on to its children (heads, biases, epsilon, activation, rotary)
 * would otherwise be reported by the child (`[MultiHeadAttention] causal must be ...`), a name
 * the caller never wrote. Checks only what is given; defaults are the block's business.
 *
 * @returns `args` itself, for `super(checkTransformerBlockArgs(args))`.
 * @internal
 */
export function checkTransformerBlockArgs(args: TransformerBlockArgs): TransformerBlockArgs {
  const owner = 'TransformerBlock';
  knownOptions(owner, args, NAMES, { layer: true });
  // Read loosely: some of these options arrive with the checkpoint layers (CONTRACT.md).
  const a = args as unknown as Record<string, unknown>;
  const numHeads = positiveInteger(owner, 'numHeads', a.numHeads);
  if (a.numKeyValueHeads !== undefined) {
    const kv = positiveInteger(owner, 'numKeyValueHeads', a.numKeyValueHeads);
    if (numHeads % kv !== 0)
      fail(owner, `numHeads (${numHeads}) must be divisible by numKeyValueHeads (${kv})`);
  }
  if (a.headDim !== undefined) positiveInteger(owner, 'headDim', a.headDim);
  for (const name of ['causal', 'useBias', 'qkvBias', 'outputBias', 'mlpBias', 'rotary'] as const)
    if (a[name] !== undefined) boolean(owner, name, a[name]);
  if (a.normUnitOffset !== undefined) boolean(owner, 'normUnitOffset', a.normUnitOffset);
  if (a.epsilon !== undefined) positiveNumber(owner, 'epsilon', a.epsilon);
  if (a.rotaryBase !== undefined) positiveNumber(owner, 'rotaryBase', a.rotaryBase);
  if (a.norm !== undefined) oneOf(owner, 'norm', a.norm, ['rmsnorm', 'layernorm']);
  // ffnActivation also reads back the re-cased spellings tfjs gives a loaded config.
  if (a.activation !== undefined) ffnActivation(owner, a.activation);
  return args;
}
