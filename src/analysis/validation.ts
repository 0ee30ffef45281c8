/**
 * Argument checks shared by the analysis functions. Every message starts with the
 * caller's name in brackets and quotes the bad value, e.g.
 * `[embeddingShare] vocabSize must be a positive integer, got 1.5`.
 * @internal
 * @module
 */

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null)
    return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** Throws a `RangeError` prefixed with the caller's name. @internal */
export function fail(owner: string, message: string): never {
  throw new RangeError(`[${owner}] ${message}`);
}

/** A positive safe integer, or a `RangeError` naming the argument and its value. @internal */
export function positiveInteger(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    fail(owner, `${name} must be a positive integer, got ${show(value)}`);
  }
  return value;
}

/** A non-negative safe integer (0 allowed). @internal */
export function nonNegativeInteger(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(owner, `${name} must be a non-negative integer, got ${show(value)}`);
  }
  return value;
}

/** A finite number > 0. @internal */
export function positiveNumber(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    fail(owner, `${name} must be a finite number > 0, got ${show(value)}`);
  }
  return value;
}

/** A boolean. @internal */
export function boolean(owner: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(owner, `${name} must be true or false, got ${show(value)}`);
  return value;
}

/** One of a fixed set of strings (or numbers). @internal */
export function oneOf<T extends string | number>(
  owner: string,
  name: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (!allowed.includes(value as T)) {
    fail(owner, `${name} must be one of ${allowed.map(show).join(', ')}, got ${show(value)}`);
  }
  return value as T;
}

/** A plain options object (not null, not an array). @internal */
export function options(owner: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(owner, `expected an options object, got ${show(value)}`);
  }
  return value as Record<string, unknown>;
}

/** Rejects keys the function does not know, so a typo never silently falls back to a default. @internal */
export function knownKeys(owner: string, value: Record<string, unknown>, keys: readonly string[]) {
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) fail(owner, `unknown option ${show(key)}; known: ${keys.join(', ')}`);
  }
}
