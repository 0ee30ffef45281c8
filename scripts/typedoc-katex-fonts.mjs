// @ts-check
// TypeDoc plugin: copies KaTeX's fonts next to the site's custom CSS (typedoc.config.mjs sets
// customCss to katex.min.css, which TypeDoc writes as assets/custom.css and which loads its
// fonts from the relative folder fonts/). Without them the formulas fall back to system fonts.
import { cpSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { RendererEvent } from 'typedoc';

const require = createRequire(import.meta.url);

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.renderer.on(RendererEvent.END, (event) => {
    const fonts = join(dirname(require.resolve('katex/dist/katex.min.css')), 'fonts');
    cpSync(fonts, join(event.outputDirectory, 'assets', 'fonts'), { recursive: true });
  });
}
