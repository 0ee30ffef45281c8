import { fail } from './validation.js';

/**
 * Options every TensorFlow.js layer takes (tfjs' `LayerArgs`), and the ones its `getConfig`
 * writes into a saved model; a tiedformer layer accepts them next to its own.
 * @internal
 */
export const LAYER_ARG_NAMES: readonly string[] = [
  'name',
  'trainable',
  'inputShape',
  'batchInputShape',
  'batchSize',
  'dtype',
  'weights',
  'inputDType',
];

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return '[an array]';
  return String(value);
}

/**
 * Checks an options object at the top of a constructor or function, before anything is
 * allocated: it must be a plain object (or omitted, where `optional`), hold no key outside
 * `known` (a typo such as `rotory` would otherwise fall back silently to a default), and no
 * `null` value outside `nullable` (leave an option out to get its default). Layers pass
 * `layer: true` to accept tfjs' own layer options as well.
 *
 * @param owner - Class or function name for the error, e.g. `'RMSNorm'`.
 * @param value - The options as given.
 * @param known - The option names the caller reads.
 * @returns `value` itself (`{}` when omitted and `optional`), so a constructor can write
 *   `super(knownOptions(...))`.
 * @throws RangeError naming the owner, the unknown option and the known ones.
 * @internal
 */
export function knownOptions<T>(
  owner: string,
  value: T,
  known: readonly string[],
  flags: { layer?: boolean; optional?: boolean; nullable?: readonly string[] } = {},
): T {
  if (value === undefined && flags.optional) return {} as T;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(owner, `expected an options object, got ${show(value)}`);
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    // tfjs' deserializer adds `customObjects` to the config of every object it rebuilds.
    const isLayerArg =
      key === 'customObjects' || (flags.layer === true && LAYER_ARG_NAMES.includes(key));
    if (!isLayerArg && !known.includes(key)) {
      const names = flags.layer ? [...known, '(and tfjs layer options)'] : known;
      fail(owner, `unknown option ${JSON.stringify(key)}; known: ${names.join(', ')}`);
    }
    if (!isLayerArg && record[key] === null && !(flags.nullable ?? []).includes(key)) {
      fail(owner, `${key} must not be null, got null (leave it out for the default)`);
    }
  }
  return value;
}
