import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { fail, positiveInteger } from '../analysis/validation.js';
import type { CausalLMOptions } from '../models/causal-lm-options.js';
import type { AdamWOptions } from '../training/adamw.js';
import { checkTokenRows } from '../training/check-token-rows.js';
import type { Checkpoint } from '../training/checkpoint.js';
import { checkpointFromBytes, checkpointToBytes } from '../training/checkpoint-bytes.js';
import type { FromReplica, ToReplica } from './data-parallel-protocol.js';

/**
 * Options of {@link DataParallelTrainer.start}.
 * @example
 * ```ts
 * import type { DataParallelOptions } from 'tiedformer/node';
 * const options: DataParallelOptions = {
 *   model: { vocabSize: 8192, hiddenSize: 256, numLayers: 4, numHeads: 4, intermediateSize: 1024, head: 'tied', seed: 1 },
 *   optimizer: { learningRate: 1e-3, clipNorm: 1 },
 *   workers: 2,
 *   backend: 'wasm',
 * };
 * ```
 */
export interface DataParallelOptions {
  /** The model every replica builds with `createCausalLM` (plain data: it is sent to the workers). */
  model: CausalLMOptions;
  /** The `AdamW` options of every replica (a schedule and `clipNorm` included). Default `{}`. */
  optimizer?: AdamWOptions;
  /** Replicas, one worker thread each. Default: `os.availableParallelism()`. */
  workers?: number;
  /** tfjs backend of the replicas: `'wasm'`, `'cpu'` or `'tensorflow'` (tfjs-node). Default `'wasm'`. */
  backend?: string;
  /** Start from this checkpoint (weights and optimizer state) instead of a fresh model. */
  checkpoint?: Checkpoint;
  /** The replica script. Default: the one shipped next to this module. */
  workerScript?: string | URL;
}

/** The replica script next to this module: built (`.js`/`.cjs`) or, from the sources, via tsx. */
function defaultWorkerScript(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL('./data-parallel-worker-tsx.mjs', here);
  return new URL(
    here.endsWith('.cjs') ? './data-parallel-worker.cjs' : './data-parallel-worker.js',
    here,
  );
}

/**
 * Data-parallel training on worker threads, for the cores one tfjs process leaves idle (tfjs
 * runs wasm on one thread in Node). Each replica builds the same model and `AdamW`; each
 * step splits the batch's rows evenly and every replica computes its shard's mean-loss
 * gradient into shared memory. The update is divided, not repeated: the variables are split
 * between the replicas by size, each averages the gradients of its own variables, clips them
 * by the global norm (the replicas add their partial sums of squares), applies AdamW to them
 * and shares their new values, which the others copy in. With equal shards that is the full
 * batch's gradient, so the run matches one process training `trainStep(model, adamw, batch)`
 * up to float rounding (tested to 1e-4), and its checkpoints (the optimizer state gathered
 * from every replica) restore into a single-process model that trains on the same way.
 *
 * Node only. Browsers could do the same with Web Workers: `SharedArrayBuffer` and
 * `Atomics.wait` in workers need a cross-origin-isolated page (COOP/COEP headers); this class
 * does not implement it.
 *
 * @example
 * ```ts
 * import { DataParallelTrainer } from 'tiedformer/node';
 * const trainer = await DataParallelTrainer.start({
 *   model: { vocabSize: 100, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, head: 'tied', seed: 1 },
 *   optimizer: { learningRate: { peak: 1e-3, warmupSteps: 10, totalSteps: 100 }, clipNorm: 1 },
 *   workers: 2,
 * });
 * const rows = Array.from({ length: 4 }, () => Array.from({ length: 17 }, () => Math.floor(Math.random() * 100)));
 * const loss = await trainer.step(rows);
 * const checkpoint = await trainer.checkpoint({ step: 1 });
 * await trainer.close();
 * ```
 */
export class DataParallelTrainer {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly workers: Worker[],
    private readonly waiting: ((reply: FromReplica) => void)[][],
    private readonly vocabSize: number,
  ) {}

  /** Number of replicas. */
  get worldSize(): number {
    return this.workers.length;
  }

  /**
   * Starts the replicas and waits until each has built its model and holds the same weights.
   * @param options - Model, optimizer, workers, backend, checkpoint (see {@link DataParallelOptions}).
   * @returns The running trainer; {@link DataParallelTrainer.close} it when done.
   * @throws RangeError on bad options; Error if a replica fails to start.
   */
  static async start(options: DataParallelOptions): Promise<DataParallelTrainer> {
    const owner = 'DataParallelTrainer';
    if (typeof options !== 'object' || options === null || typeof options.model !== 'object')
      fail(owner, 'expected { model: CausalLMOptions, ... }');
    const worldSize = positiveInteger(
      owner,
      'workers',
      options.workers ?? os.availableParallelism(),
    );
    const backend = options.backend ?? 'wasm';
    const script = options.workerScript ?? defaultWorkerScript();
    const workers: Worker[] = [];
    const waiting: ((reply: FromReplica) => void)[][] = [];
    for (let rank = 0; rank < worldSize; rank++) {
      const worker = new Worker(script, {
        workerData: {
          model: options.model,
          optimizer: options.optimizer ?? {},
          backend,
          rank,
          worldSize,
        },
      });
      const queue: ((reply: FromReplica) => void)[] = [];
      worker.on('message', (reply: FromReplica) => queue.shift()?.(reply));
      // A replica that dies (a failed import, a crashed backend) answers every waiter with it.
      worker.on('error', (error) => {
        for (const resolve of queue.splice(0)) resolve({ kind: 'error', message: error.message });
      });
      workers.push(worker);
      waiting.push(queue);
    }
    const trainer = new DataParallelTrainer(workers, waiting, options.model.vocabSize);
    try {
      const ready = await trainer.all(() => undefined);
      const first = ready[0] as Extract<FromReplica, { kind: 'ready' }>;
      const setup: ToReplica = {
        kind: 'setup',
        gradients: new SharedArrayBuffer(worldSize * first.trainable * 4),
        weights: new SharedArrayBuffer(first.total * 4),
        barrier: new SharedArrayBuffer(8),
        slots: new SharedArrayBuffer(2 * first.trainable * 4),
        norms: new SharedArrayBuffer(worldSize * 8),
        ...(options.checkpoint ? { checkpoint: checkpointToBytes(options.checkpoint) } : {}),
      };
      await trainer.all((worker) => worker.postMessage(setup));
    } catch (error) {
      await trainer.close();
      throw error;
    }
    return trainer;
  }

  /** Sends through `post` to every replica and awaits each one's next reply; errors reject. */
  private async all(post: (worker: Worker, rank: number) => void): Promise<FromReplica[]> {
    const replies = await Promise.all(
      this.workers.map((worker, rank) => {
        const reply = new Promise<FromReplica>((resolve) => this.waiting[rank]?.push(resolve));
        post(worker, rank);
        return reply;
      }),
    );
    const failed = replies.find((r) => r.kind === 'error');
    if (failed?.kind === 'error')
      throw new Error(`[DataParallelTrainer] a replica failed: ${failed.message}`);
    return replies;
  }

  /** Runs `task` after every earlier call: replicas handle one request at a time. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    if (this.closed)
      return Promise.reject(new Error('[DataParallelTrainer] the trainer is closed'));
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * One training step on a batch of token rows `[rows, seq + 1]`, split evenly by rows.
   * @param tokens - Nested arrays, or a flat `Int32Array` with `rows` given.
   * @param rows - Number of rows when `tokens` is flat.
   * @returns The batch's mean loss before the update.
   * @throws RangeError if the rows do not split evenly, are ragged, or hold an id outside the vocabulary.
   */
  step(tokens: number[][] | Int32Array, rows?: number): Promise<number> {
    const owner = 'DataParallelTrainer.step';
    let flat: Int32Array;
    let count: number;
    if (tokens instanceof Int32Array) {
      count = positiveInteger(owner, 'rows', rows);
      flat = tokens;
      if (flat.length % count !== 0) fail(owner, `${flat.length} ids do not form ${count} rows`);
    } else {
      checkTokenRows(owner, tokens);
      count = tokens.length;
      flat = Int32Array.from(tokens.flat());
    }
    const length = flat.length / count;
    if (length < 2) fail(owner, `rows need at least 2 tokens, got ${length}`);
    if (count % this.worldSize !== 0)
      fail(owner, `a batch of ${count} rows does not split over ${this.worldSize} replicas`);
    // Checked here: a replica that threw mid-step would leave the others waiting at the barrier.
    for (let i = 0; i < flat.length; i++) {
      const id = flat[i] as number;
      if (id < 0 || id >= this.vocabSize)
        fail(owner, `token id ${id} at flat index ${i} is outside [0, ${this.vocabSize})`);
    }
    const shardRows = count / this.worldSize;
    return this.serial(async () => {
      const replies = await this.all((worker, rank) => {
        const shard = flat.slice(rank * shardRows * length, (rank + 1) * shardRows * length);
        worker.postMessage({ kind: 'step', tokens: shard, rows: shardRows } satisfies ToReplica, [
          shard.buffer,
        ]);
      });
      const losses = replies.map((r) => (r as Extract<FromReplica, { kind: 'step' }>).loss);
      return losses.reduce((a, b) => a + b, 0) / losses.length;
    });
  }

  /**
   * A checkpoint of the (identical) replicas, the optimizer state gathered from all of them:
   * the same format as `createCheckpoint` in one process, so it restores there or into a new
   * trainer.
   * @param metadata - Extra JSON-able state to store. Default `{}`.
   * @returns The checkpoint.
   */
  checkpoint(metadata: Record<string, unknown> = {}): Promise<Checkpoint> {
    // Every replica takes part (each holds the optimizer state of its own variables); rank 0
    // answers with the whole checkpoint.
    return this.serial(async () => {
      const replies = await this.all((worker) =>
        worker.postMessage({ kind: 'checkpoint', metadata } satisfies ToReplica),
      );
      return checkpointFromBytes(
        (replies[0] as Extract<FromReplica, { kind: 'checkpoint' }>).bytes,
      );
    });
  }

  /** Stops every replica (after any step in progress). */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue;
    this.closed = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
