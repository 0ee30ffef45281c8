// The browser suite's page: ?backend=cpu|wasm|webgl|webgpu runs the scenario on that backend;
// ?backend=auto lets useFastestBackend choose. The result lands in window.__result.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as lib from 'tiedformer';
import { runScenario } from './scenario.js';

async function main() {
  const params = new URLSearchParams(location.search);
  const backend = params.get('backend') ?? 'auto';
  const out = { backend, crossOriginIsolated: self.crossOriginIsolated };
  try {
    setWasmPaths('/wasm/'); // the .wasm binaries, served next to the bundle
    // XNNPACK's pool defaults to the logical cores it sees; ask for 2 so the threaded build is
    // exercised with more than one thread even where Chromium reports a single core.
    if (self.crossOriginIsolated) setThreadsCount(Math.max(2, navigator.hardwareConcurrency));
    out.hardwareConcurrency = navigator.hardwareConcurrency;
    if (backend === 'auto') out.chosen = await lib.useFastestBackend();
    else if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
    await tf.ready();
    out.active = tf.getBackend();
    if (out.active === 'wasm') {
      out.threads = getThreadsCount();
      out.multithread = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    }
    if (out.active === 'webgpu') {
      const adapter = await navigator.gpu?.requestAdapter();
      out.adapter = adapter?.info
        ? `${adapter.info.vendor} ${adapter.info.architecture} ${adapter.info.description}`
        : 'unknown';
    }
    if (params.get('run') !== '0') {
      Object.assign(
        out,
        await runScenario(tf, lib, { saveUrl: `indexeddb://tiedformer-${backend}` }),
      );
    }
  } catch (error) {
    out.error = String(error?.stack ?? error);
  }
  window.__result = out;
}
main();
