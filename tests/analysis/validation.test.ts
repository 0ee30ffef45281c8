import { describe, expect, it } from 'vitest';
import {
  knownKeys,
  oneOf,
  options,
  positiveInteger,
  positiveNumber,
} from '../../src/analysis/validation.js';

describe('validation helpers', () => {
  it('name the caller and quote the value', () => {
    expect(() => positiveInteger('Owner', 'size', 1.5)).toThrow(
      new RangeError('[Owner] size must be a positive integer, got 1.5'),
    );
    expect(() => positiveInteger('Owner', 'size', Number.MAX_SAFE_INTEGER + 2)).toThrow(
      '[Owner] size must be a positive integer',
    );
    expect(() => positiveNumber('Owner', 'std', -0)).toThrow(
      '[Owner] std must be a finite number > 0, got 0',
    );
    expect(() => oneOf('Owner', 'kind', 'c', ['a', 'b'])).toThrow(
      '[Owner] kind must be one of "a", "b", got "c"',
    );
    expect(() => options('Owner', [1])).toThrow('[Owner] expected an options object, got [1]');
    expect(() => knownKeys('Owner', { a: 1, z: 2 }, ['a'])).toThrow(
      '[Owner] unknown option "z"; known: a',
    );
  });

  it('pass good values through', () => {
    expect(positiveInteger('O', 'n', 3)).toBe(3);
    expect(positiveNumber('O', 'x', 0.5)).toBe(0.5);
    expect(oneOf('O', 'k', 'b', ['a', 'b'])).toBe('b');
  });
});
