import { describe, expect, it } from 'vitest';
import { knownOptions } from '../../src/analysis/known-options.js';

describe('knownOptions', () => {
  it('returns the options when every key is known', () => {
    const options = { a: 1, b: undefined };
    expect(knownOptions('Owner', options, ['a', 'b'])).toBe(options);
    expect(knownOptions('Owner', undefined, ['a'], { optional: true })).toEqual({});
  });

  it('names the owner, the unknown option and the known ones', () => {
    expect(() => knownOptions('Owner', { rotory: true }, ['rotary'])).toThrow(
      '[Owner] unknown option "rotory"; known: rotary',
    );
    expect(() => knownOptions('Owner', { topk: 5 }, ['topK'], { layer: true })).toThrow(
      '[Owner] unknown option "topk"; known: topK, (and tfjs layer options)',
    );
  });

  it('accepts tfjs layer options only for layers, and customObjects always', () => {
    expect(knownOptions('Owner', { name: 'x', trainable: false }, [], { layer: true })).toEqual({
      name: 'x',
      trainable: false,
    });
    expect(() => knownOptions('Owner', { name: 'x' }, [])).toThrow('unknown option "name"');
    expect(knownOptions('Owner', { customObjects: {} }, [])).toEqual({ customObjects: {} });
  });

  it('rejects non-objects and null values (except where nullable)', () => {
    for (const bad of [null, undefined, 5, 'x', [1]]) {
      expect(() => knownOptions('Owner', bad, ['a'])).toThrow('[Owner] expected an options object');
    }
    expect(() => knownOptions('Owner', { a: null }, ['a'])).toThrow(
      '[Owner] a must not be null, got null (leave it out for the default)',
    );
    expect(knownOptions('Owner', { a: null }, ['a'], { nullable: ['a'] })).toEqual({ a: null });
  });
});
