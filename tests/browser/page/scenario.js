// The browser suite's training run, shared by the test page and the Node reference run
// (tests/browser/run.mjs runs it in Node on the cpu backend and compares the losses).
// Plain JavaScript: it takes tfjs and tiedformer as arguments, so both sides use their own.

/** A small tied model; seeded, so every backend starts from the same weights. */
export const SPEC = {
  vocabSize: 64,
  hiddenSize: 32,
  numLayers: 2,
  numHeads: 4,
  intermediateSize: 64,
  head: 'tied',
  seed: 7,
};
const BATCH = 4;
const SEQ = 16;

/** Token windows from a fixed linear congruential generator: the same ids everywhere. */
function windows(step) {
  let state = 12345 + step * 7919;
  const ids = [];
  for (let i = 0; i < BATCH * (SEQ + 1); i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    ids.push(Math.floor((state / 2147483648) * SPEC.vocabSize));
  }
  return ids;
}

/**
 * Trains `steps` Adam steps (explicit epsilon: tfjs defaults it to 1e-4 on webgl, 1e-7
 * elsewhere) and reports per step the loss, the backend's synchronous reads (`readSync`) made
 * inside the step, the time to the loss value, and `numTensors` after it. Then checks what a
 * bad token id does, and (with `saveUrl`) that a save/load round trip keeps the tie.
 */
export async function runScenario(tf, lib, { steps = 5, saveUrl } = {}) {
  const model = lib.createCausalLM(SPEC);
  const optimizer = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
  const backend = tf.backend();
  const readSync = backend.readSync;
  let reads = 0;
  backend.readSync = function (...args) {
    reads++;
    return readSync.apply(this, args);
  };
  const losses = [];
  const readsPerStep = [];
  const msPerStep = [];
  const numTensors = [];
  const tensorsOf = (step) => {
    const ids = windows(step);
    const all = tf.tensor2d(ids, [BATCH, SEQ + 1], 'int32');
    const inputs = tf.slice(all, [0, 0], [BATCH, SEQ]);
    const targets = tf.slice(all, [0, 1], [BATCH, SEQ]);
    all.dispose();
    return { inputs, targets };
  };
  try {
    for (let step = 0; step < steps; step++) {
      const { inputs, targets } = tensorsOf(step);
      const start = performance.now();
      const before = reads;
      const loss = optimizer.minimize(
        () => lib.sparseSoftmaxCrossEntropy(targets, model.apply(inputs)),
        true,
      );
      readsPerStep.push(reads - before);
      const [value] = await loss.data(); // the edge: an asynchronous read
      msPerStep.push(performance.now() - start);
      losses.push(value);
      tf.dispose([loss, inputs, targets]);
      numTensors.push(tf.memory().numTensors);
    }
  } finally {
    backend.readSync = readSync;
  }

  // A token id equal to vocabSize: an error on cpu/wasm, NaN on GPU backends; never a number.
  let badId;
  {
    const { inputs, targets } = tensorsOf(0);
    const bad = tf.tensor2d([[SPEC.vocabSize, ...Array(SEQ - 1).fill(1)]], [1, SEQ], 'int32');
    const badInputs = tf.concat([bad, tf.slice(inputs, [1, 0], [BATCH - 1, SEQ])]);
    try {
      const loss = tf.tidy(() => lib.sparseSoftmaxCrossEntropy(targets, model.apply(badInputs)));
      const [value] = await loss.data();
      badId = { loss: String(value) }; // a string: JSON would turn NaN into null
      loss.dispose();
    } catch (error) {
      badId = { error: String(error.message ?? error) };
    }
    tf.dispose([inputs, targets, bad, badInputs]);
  }

  // KV cache (#11): a padded batch's prefill and 4 cached steps equal the full pass at the same
  // positions (max |Δlogit|); the neighbouring position is the negative control.
  let cache;
  {
    const prompts = [
      [3, 17, 5, 22, 9],
      [11, 2],
    ];
    const fed = [
      [7, 30, 1, 39],
      [0, 25, 25, 13],
    ];
    const decoder = new lib.CachedDecoder(model, { maxLength: 16 });
    const got = [[], []];
    const collect = async (t) => {
      const data = await t.data();
      t.dispose();
      for (let b = 0; b < 2; b++)
        got[b].push(data.slice(b * SPEC.vocabSize, (b + 1) * SPEC.vocabSize));
    };
    await collect(decoder.prefill(prompts));
    for (let s = 0; s < 4; s++) await collect(decoder.step(fed.map((f) => f[s])));
    decoder.dispose();
    let maxDiff = 0;
    let neighbourDiff = Number.POSITIVE_INFINITY;
    for (let b = 0; b < 2; b++) {
      const sequence = [...prompts[b], ...fed[b]];
      const out = model.predict(tf.tensor2d([sequence], [1, sequence.length], 'int32'));
      const full = await out.data();
      out.dispose();
      const row = (t) => full.slice(t * SPEC.vocabSize, (t + 1) * SPEC.vocabSize);
      const offset = prompts[b].length - 1;
      got[b].forEach((logits, s) => {
        const d = (x, y) => Math.max(...Array.from(x, (v, i) => Math.abs(v - y[i])));
        maxDiff = Math.max(maxDiff, d(logits, row(offset + s)));
        neighbourDiff = Math.min(neighbourDiff, d(logits, row(offset + s - 1)));
      });
    }
    cache = { maxDiff, neighbourDiff };
  }

  let saved;
  if (saveUrl) {
    await model.save(saveUrl);
    const loaded = await tf.loadLayersModel(saveUrl);
    const { inputs, targets } = tensorsOf(0);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(model.apply(inputs), loaded.apply(inputs)))));
    const report = lib.verifyTie(loaded);
    saved = { tied: report.tied, occurrences: report.occurrences, maxDiff: (await diff.data())[0] };
    tf.dispose([inputs, targets, diff]);
  }
  return { losses, readsPerStep, msPerStep, numTensors, badId, cache, saved };
}
