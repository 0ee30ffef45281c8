#!/usr/bin/env node
// Type-checks every TSDoc `@example` in src/ and every ```ts block of README.md and docs/*.md,
// and fails if a public export has no @example.
// Each example is written to .doc-examples/ as its own module and compiled with the
// project's tsconfig, where `tiedformer` and `tiedformer/analysis` map to src/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const outDir = join(root, '.doc-examples');

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const problems = [];
const examples = [];
for (const file of sourceFiles(join(root, 'src'))) {
  const source = readFileSync(file, 'utf8');
  const rel = relative(root, file);
  // Each doc comment followed by the declaration it documents.
  const docAndDecl =
    /\/\*\*([\s\S]*?)\*\/\s*\n\s*(export\s+(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function|class|interface|type|const|let|enum)\s+(\w+))?/g;
  const documented = new Set();
  for (const match of source.matchAll(docAndDecl)) {
    const body = match[1].replace(/^[ \t]*\* ?/gm, '');
    const name = match[3];
    for (const block of body.matchAll(/@example\s*```tsx?\n([\s\S]*?)```/g)) {
      examples.push({ rel, name: name ?? 'module', code: block[1] });
    }
    if (name) {
      documented.add(name);
      if (!/@internal/.test(body) && !/@example/.test(body)) {
        problems.push(`${rel}: export ${name} has no @example`);
      }
    }
  }
  for (const match of source.matchAll(
    /^export\s+(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function|class|interface|type|const|let|enum)\s+(\w+)/gm,
  )) {
    if (!documented.has(match[1])) problems.push(`${rel}: export ${match[1]} has no doc comment`);
  }
}

// Code blocks of the README and the guides must compile too.
const guides = [
  join(root, 'README.md'),
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(root, 'docs', f)),
];
for (const file of guides) {
  for (const block of readFileSync(file, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)) {
    examples.push({ rel: relative(root, file), name: 'code block', code: block[1] });
  }
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
examples.forEach((example, i) => {
  const header = `// ${example.rel} — ${example.name}\n`;
  writeFileSync(
    join(outDir, `example-${String(i).padStart(3, '0')}.ts`),
    `${header}${example.code}\nexport {};\n`,
  );
});
writeFileSync(
  join(outDir, 'tsconfig.json'),
  JSON.stringify({
    extends: '../tsconfig.json',
    compilerOptions: { noEmit: true, noUnusedLocals: false },
    include: ['./*.ts'],
  }),
);

if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
try {
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(outDir, 'tsconfig.json')], {
    stdio: 'inherit',
  });
} catch {
  console.error(`doc examples failed to type-check (sources in ${relative(root, outDir)}/)`);
  process.exit(1);
}
console.log(`${examples.length} doc examples type-check; every public export has one.`);
