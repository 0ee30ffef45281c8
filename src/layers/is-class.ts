/**
 * Whether `value` is a tfjs serializable (layer, initializer) of one of the registered class
 * `names`, judged by `getClassName()` rather than `instanceof`: when two copies of tiedformer
 * meet in one process (one loaded by `import`, one by `require`), a layer made by one copy is
 * not an `instanceof` the other copy's class, though it is the same layer.
 * @internal
 */
export function isClass(value: unknown, ...names: string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const getClassName = (value as { getClassName?: unknown }).getClassName;
  if (typeof getClassName !== 'function') return false;
  return names.includes(getClassName.call(value) as string);
}

/** tiedformer's heads that project onto a TokenEmbedding's `E`. @internal */
export const TIED_HEADS = ['TiedLMHead', 'ShuffledTiedHead', 'OrthoProjectionHead'];
