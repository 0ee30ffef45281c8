/**
 * Renders validation-loss curves with Vega-Lite: SVG through Vega's headless renderer, PNG
 * through resvg (WebAssembly) with the DejaVu Sans font shipped in the `dejavu-fonts-ttf`
 * package, so no system fonts or native modules are needed.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { initWasm, Resvg } from '@resvg/resvg-wasm';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** One point of a curve. */
export interface CurvePoint {
  variant: string;
  step: number;
  loss: number;
}

const require = createRequire(import.meta.url);
let wasmReady: Promise<void> | undefined;

/** SVG and PNG of validation loss against training step, one line per variant, with ln n dashed. */
export async function renderLossCurves(
  points: CurvePoint[],
  uniformLoss: number,
  title: string,
): Promise<{ svg: string; png: Uint8Array }> {
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 640,
    height: 360,
    background: 'white',
    config: { font: 'DejaVu Sans' },
    layer: [
      {
        data: { values: points },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'step', type: 'quantitative', title: 'training step' },
          y: {
            field: 'loss',
            type: 'quantitative',
            title: 'validation loss (nats)',
            scale: { zero: false },
          },
          color: {
            field: 'variant',
            type: 'nominal',
            title: 'head',
            // Legend in the order the variants ran, with whole labels.
            scale: { domain: [...new Set(points.map((p) => p.variant))] },
            legend: { labelLimit: 400 },
          },
        },
      },
      {
        data: { values: [{ y: uniformLoss }] },
        mark: { type: 'rule', strokeDash: [6, 4], color: 'gray' },
        encoding: { y: { field: 'y', type: 'quantitative' } },
      },
    ],
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  wasmReady ??= initWasm(readFileSync(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));
  await wasmReady;
  const font = readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));
  const png = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: 2 },
    font: { fontBuffers: [font], defaultFontFamily: 'DejaVu Sans', loadSystemFonts: false },
  })
    .render()
    .asPng();
  return { svg, png };
}
