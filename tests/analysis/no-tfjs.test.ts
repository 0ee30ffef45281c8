import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const analysisIndex = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../src/analysis/index.ts',
);

/** Every bare module specifier reachable from `entry` through relative imports. */
function externalImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const external = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    // Doc comments hold @example imports of the package itself: scan code only.
    const source = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    for (const match of source.matchAll(
      /(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g,
    )) {
      const specifier = (match[1] ?? match[2] ?? match[3]) as string;
      if (specifier.startsWith('.'))
        queue.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else external.add(specifier);
    }
  }
  return external;
}

describe('tiedformer/analysis', () => {
  it('reaches no TensorFlow.js module, only @stdlib math', () => {
    const external = [...externalImports(analysisIndex)];
    expect(external.length).toBeGreaterThan(0);
    expect(external.filter((s) => s.includes('tensorflow'))).toEqual([]);
    expect(external.every((s) => s.startsWith('@stdlib/'))).toBe(true);
  });
});
