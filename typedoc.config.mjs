// @ts-check
// TypeDoc configuration. A JS file (not typedoc.json) because rendering formulas needs a
// function: `markdownItLoader` adds KaTeX to the markdown-it instance TypeDoc renders every
// comment and document with, so `$…$` and `$$…$$` become math at build time (no client-side
// script). KaTeX's stylesheet is the site's custom CSS; its fonts are copied next to it by
// scripts/typedoc-katex-fonts.mjs.
import { createRequire } from 'node:module';
import markdownItKatex from '@vscode/markdown-it-katex';

const require = createRequire(import.meta.url);

/** @type {Partial<import('typedoc').TypeDocOptions>} */
const config = {
  entryPoints: [
    'src/index.ts',
    'src/analysis/index.ts',
    'src/node/index.ts',
    'src/interop/index.ts',
  ],
  out: 'docs/api',
  name: 'tiedformer',
  readme: 'README.md',
  projectDocuments: ['docs/*.md'],
  plugin: ['./scripts/typedoc-group-by-folder.mjs', './scripts/typedoc-katex-fonts.mjs'],
  categorizeByGroup: false,
  treatWarningsAsErrors: true,
  validation: {
    notExported: true,
    invalidLink: true,
    notDocumented: true,
  },
  excludePrivate: true,
  excludeInternal: true,
  disableSources: true,
  excludeProtected: true,
  customCss: require.resolve('katex/dist/katex.min.css'),
  markdownItLoader(parser) {
    // throwOnError: a formula KaTeX cannot parse fails `npm run docs` instead of shipping red text.
    parser.use(markdownItKatex.default ?? markdownItKatex, { throwOnError: true });
  },
};

export default config;
