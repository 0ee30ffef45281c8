// Debian's Chromium, headless, through puppeteer-core (no browser download), with WebGL and
// WebGPU on the CPU (SwiftShader): this machine and CI have no GPU. One place for the flags
// shared by the browser suite (tests/browser/run.mjs) and the example (examples/browser/serve.mjs).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The Chromium binary: `$CHROMIUM`, else Debian's. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * Launches headless Chromium with a fresh profile under the system temp directory.
 * @param {string} profilePrefix - Prefix of the profile directory, e.g. 'tiedformer-example-'.
 * @param {{ webgpu?: boolean }} [options] - `webgpu`: also offer WebGPU (SwiftShader adapter).
 * @returns {Promise<import('puppeteer-core').Browser>}
 */
export async function launchChromium(profilePrefix, { webgpu = false } = {}) {
  const { default: puppeteer } = await import('puppeteer-core');
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: mkdtempSync(join(tmpdir(), profilePrefix)),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      ...(webgpu
        ? ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan']
        : []),
    ],
  });
}
