import type { CausalLMOptions } from '../models/causal-lm-options.js';
import type { AdamWOptions } from '../training/adamw.js';

/** What every replica is started with. @internal */
export interface ReplicaInit {
  model: CausalLMOptions;
  optimizer: AdamWOptions;
  backend: string;
  rank: number;
  worldSize: number;
}

/** Messages from the coordinator to a replica. @internal */
export type ToReplica =
  | {
      kind: 'setup';
      /** worldSize × trainable-parameter float32 slots: each replica's gradient. */
      gradients: SharedArrayBuffer;
      /** Every weight of the model, flattened: rank 0's initial weights for the others; then,
       * each step, every replica's updated variables for the others (at gradient offsets). */
      weights: SharedArrayBuffer;
      /** [arrived, generation]: a reusable barrier. */
      barrier: SharedArrayBuffer;
      /** 2 × trainable float32 slots: AdamW's m and v of each replica's variables, for checkpoints. */
      slots: SharedArrayBuffer;
      /** worldSize float64 slots: each replica's sum of squared averaged gradients (clipping). */
      norms: SharedArrayBuffer;
      /** Checkpoint bytes to start from (every replica restores it); else rank 0's init. */
      checkpoint?: Uint8Array;
    }
  | { kind: 'step'; tokens: Int32Array; rows: number }
  | { kind: 'checkpoint'; metadata: Record<string, unknown> };

/** Replies of a replica. @internal */
export type FromReplica =
  | { kind: 'ready'; trainable: number; total: number; vocabSize: number }
  | { kind: 'setup' }
  | { kind: 'step'; loss: number }
  | { kind: 'checkpoint'; bytes: Uint8Array }
  | { kind: 'error'; message: string };
