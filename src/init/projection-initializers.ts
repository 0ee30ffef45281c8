import type * as tf from '@tensorflow/tfjs';
import type { Initializer } from './initializer-base.js';
import { normal } from './normal.js';
import {
  type InitializerSpec,
  resolveInitializer,
  serializeInitializer,
} from './resolve-initializer.js';

/**
 * The two initializers of a residual branch's matrices, shared by {@link FFN} and
 * {@link MultiHeadAttention}: `kernel` for the input-side projections (default
 * `normal({ std: 0.02 })`) and `output` for the matrix that ends the branch (default: the
 * kernel's; see {@link scaledResidual}).
 *
 * @internal Layer plumbing, not part of the public API.
 */
export class ProjectionInitializers {
  /** Initializer of the input-side matrices. */
  readonly kernel: Initializer;
  /** Initializer of the branch's output matrix. */
  readonly output: Initializer;
  private readonly outputGiven: boolean;

  /**
   * @param owner - The layer class, for error messages.
   * @param args - The layer's `kernelInitializer` and `outputInitializer` arguments.
   * @throws RangeError naming `owner` on an unknown initializer.
   */
  constructor(
    owner: string,
    args: { kernelInitializer?: InitializerSpec; outputInitializer?: InitializerSpec },
  ) {
    this.kernel = resolveInitializer(
      owner,
      'kernelInitializer',
      args.kernelInitializer ?? normal({ std: 0.02 }),
    );
    this.outputGiven = args.outputInitializer !== undefined;
    this.output = this.outputGiven
      ? resolveInitializer(owner, 'outputInitializer', args.outputInitializer as InitializerSpec)
      : this.kernel;
  }

  /** The layer-config entries: `outputInitializer` only when it was given. */
  getConfig(): tf.serialization.ConfigDict {
    return {
      kernelInitializer: serializeInitializer(this.kernel),
      ...(this.outputGiven ? { outputInitializer: serializeInitializer(this.output) } : {}),
    };
  }
}
