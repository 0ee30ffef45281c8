/**
 * Data-parallel training on several cores: tfjs runs wasm single-threaded in Node, so one
 * process uses one core. `DataParallelReplicas` starts one worker thread per replica
 * (bench/data-parallel-worker.ts); each step splits the batch by rows, every worker computes
 * its shard's gradient, the gradients are averaged through shared memory, and every worker
 * applies the same Adam step. The result is the same training as one process on the whole
 * batch, up to float rounding (the bench checks the losses).
 */
import { Worker } from 'node:worker_threads';
import type { BenchConfig } from './configs.js';

interface Reply {
  ready?: number;
  loss?: number;
}

export class DataParallelReplicas {
  private constructor(
    private readonly workers: Worker[],
    private readonly replies: ((reply: Reply) => void)[][],
  ) {}

  /** Starts `worldSize` replicas of config `c` on `backend` and waits until each is built. */
  static async start(
    c: BenchConfig,
    backend: string,
    worldSize: number,
    paramCount: number,
  ): Promise<DataParallelReplicas> {
    const gradients = new SharedArrayBuffer(worldSize * paramCount * 4);
    const barrier = new SharedArrayBuffer(8);
    const workers: Worker[] = [];
    const replies: ((reply: Reply) => void)[][] = [];
    for (let rank = 0; rank < worldSize; rank++) {
      const worker = new Worker(new URL('./data-parallel-worker.mjs', import.meta.url), {
        workerData: { config: c.name, backend, rank, worldSize, gradients, barrier },
      });
      const queue: ((reply: Reply) => void)[] = [];
      worker.on('message', (reply: Reply) => queue.shift()?.(reply));
      worker.on('error', (error) => {
        throw error;
      });
      workers.push(worker);
      replies.push(queue);
    }
    const replicas = new DataParallelReplicas(workers, replies);
    const ready = await Promise.all(replicas.workers.map((_, rank) => replicas.next(rank)));
    for (const reply of ready) {
      if (reply.ready !== paramCount) {
        throw new Error(`replica has ${reply.ready} parameters, expected ${paramCount}`);
      }
    }
    return replicas;
  }

  private next(rank: number): Promise<Reply> {
    return new Promise((resolve) => this.replies[rank]?.push(resolve));
  }

  /**
   * One training step on `tokens` (`rows` rows of `seqLen + 1` ids); the rows are split evenly.
   * @returns The mean loss over the whole batch.
   */
  async step(tokens: Int32Array, rows: number): Promise<number> {
    const worldSize = this.workers.length;
    if (rows % worldSize !== 0) {
      throw new RangeError(`batch of ${rows} rows does not split over ${worldSize} replicas`);
    }
    const length = tokens.length / rows;
    const shardRows = rows / worldSize;
    const losses = await Promise.all(
      this.workers.map((worker, rank) => {
        const reply = this.next(rank);
        const shard = tokens.slice(rank * shardRows * length, (rank + 1) * shardRows * length);
        worker.postMessage({ tokens: shard, rows: shardRows }, [shard.buffer]);
        return reply;
      }),
    );
    return losses.reduce((sum, reply) => sum + (reply.loss as number), 0) / worldSize;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
