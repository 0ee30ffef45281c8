import * as tf from '@tensorflow/tfjs';
import { boolean, fail, knownKeys, options, positiveNumber } from '../analysis/validation.js';
import { clipByGlobalNorm } from './clip-by-global-norm.js';
import { type LearningRateScheduleOptions, learningRateAt } from './learning-rate-schedule.js';

/**
 * Options of {@link AdamW}. Defaults are PyTorch's `torch.optim.AdamW`.
 * @example
 * ```ts
 * import type { AdamWOptions } from 'tiedformer';
 * const options: AdamWOptions = { learningRate: 3e-4, weightDecay: 0.1, beta2: 0.95, clipNorm: 1 };
 * ```
 */
export interface AdamWOptions {
  /** A fixed rate, or a schedule evaluated at every step (see {@link learningRateAt}). Default `1e-3`. */
  learningRate?: number | LearningRateScheduleOptions;
  /** Decay of the first-moment average. Default `0.9`. */
  beta1?: number;
  /** Decay of the second-moment average. Default `0.999`. */
  beta2?: number;
  /**
   * Added to `√v̂` in the denominator. Default `1e-8` (PyTorch's). On a backend that computes in
   * 16-bit floats (webgl without float32 textures), where `1e-8` rounds to 0 and a weight whose
   * gradient has been 0 would get `0/0`, the default is that backend's epsilon instead (`1e-4`,
   * as tfjs' own Adam does), and an explicit epsilon below it is an error.
   */
  epsilon?: number;
  /** Decoupled weight decay λ: each step multiplies decayed weights by `1 − lr·λ`. Default `0.01`. */
  weightDecay?: number;
  /**
   * Decay rank-0/1 variables too (norm gains, biases). Default `false`: only matrices and
   * embeddings decay, as in GPT-style recipes (PyTorch decays everything it is given).
   */
  decayVectors?: boolean;
  /** When set, gradients are clipped to this global norm before each update (see {@link clipByGlobalNorm}). */
  clipNorm?: number;
}

/**
 * A tensor with the name tfjs optimizers give it in `getWeights`.
 * @example
 * ```ts
 * import { AdamW, type NamedTensor } from 'tiedformer';
 * const slots: NamedTensor[] = await new AdamW().getWeights(); // [iter]
 * ```
 */
export interface NamedTensor {
  /** The slot's name, e.g. `'dense/kernel/m'`. */
  name: string;
  /** Its value. */
  tensor: tf.Tensor;
}

interface Slots {
  m: tf.Variable;
  v: tf.Variable;
}

const KEYS = [
  'learningRate',
  'beta1',
  'beta2',
  'epsilon',
  'weightDecay',
  'decayVectors',
  'clipNorm',
] as const;

function unitInterval(owner: string, name: string, value: number): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1))
    fail(owner, `${name} must be in [0, 1), got ${value}`);
  return value;
}

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter), as PyTorch's `AdamW`: at step `t`
 * (1-based) with rate `η_t`, for each variable `p` with gradient `g`,
 *
 * `p ← p·(1 − η_t·λ)` (decayed variables only), `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`,
 * `p ← p − η_t · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)`.
 *
 * Unlike `tf.train.adam` plus an L2 term, the decay does not pass through the adaptive
 * denominator. The rate can follow a warmup/cosine schedule and gradients can be clipped by
 * global norm, so `model.compile({ optimizer: new AdamW(...) })` gets both. Slots are kept per
 * variable name; `getWeights`/`setWeights` save and restore them with the step count
 * (see {@link createCheckpoint}).
 *
 * @see https://arxiv.org/abs/1711.05101
 * @example
 * ```ts
 * import { AdamW } from 'tiedformer';
 * const optimizer = new AdamW({
 *   learningRate: { peak: 3e-3, warmupSteps: 100, totalSteps: 2000, final: 3e-4 },
 *   weightDecay: 0.1,
 *   clipNorm: 1,
 * });
 * ```
 */
export class AdamW extends tf.Optimizer {
  /** Registered name for tfjs serialization. */
  static get className(): string {
    return 'AdamW';
  }

  /** The resolved options (defaults filled in). */
  readonly options: Readonly<
    Required<Omit<AdamWOptions, 'clipNorm'>> & {
      /** Global-norm clipping limit, when set. */
      clipNorm?: number;
    }
  >;
  private slots = new Map<string, Slots>();
  private step = 0;
  /** Whether `epsilon` was given (else a 16-bit backend may raise it, see {@link AdamWOptions.epsilon}). */
  private readonly epsilonGiven: boolean;

  /**
   * @param opts - Rate or schedule, betas, epsilon, weight decay, clipping (see {@link AdamWOptions}).
   * @throws RangeError on an unknown option or a value out of range, naming it.
   */
  constructor(opts: AdamWOptions = {}) {
    super();
    const owner = 'AdamW';
    knownKeys(owner, options(owner, opts) as Record<string, unknown>, KEYS);
    const learningRate = opts.learningRate ?? 1e-3;
    if (typeof learningRate === 'number') {
      if (!(learningRate >= 0)) fail(owner, `learningRate must be ≥ 0, got ${learningRate}`);
    } else {
      learningRateAt(learningRate, 0); // validates the schedule now, not at the first step
    }
    this.epsilonGiven = opts.epsilon !== undefined;
    const weightDecay = opts.weightDecay ?? 0.01;
    if (typeof weightDecay !== 'number' || !(weightDecay >= 0))
      fail(owner, `weightDecay must be ≥ 0, got ${weightDecay}`);
    this.options = {
      learningRate,
      beta1: unitInterval(owner, 'beta1', opts.beta1 ?? 0.9),
      beta2: unitInterval(owner, 'beta2', opts.beta2 ?? 0.999),
      epsilon: positiveNumber(owner, 'epsilon', opts.epsilon ?? 1e-8),
      weightDecay,
      decayVectors: boolean(owner, 'decayVectors', opts.decayVectors ?? false),
      ...(opts.clipNorm === undefined
        ? {}
        : { clipNorm: positiveNumber(owner, 'clipNorm', opts.clipNorm) }),
    };
  }

  /** The rate the next update will use. */
  get currentLearningRate(): number {
    const { learningRate } = this.options;
    return typeof learningRate === 'number'
      ? learningRate
      : learningRateAt(learningRate, this.step);
  }

  /** Updates applied so far (restored by `setWeights`). */
  override get iterations(): number {
    return this.step;
  }

  /**
   * Applies one update from gradients by variable name (what `minimize` and `fit` call).
   * @param variableGradients - Gradients by registered variable name, or `{ name, tensor }` pairs.
   */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const named: tf.NamedTensorMap = Array.isArray(variableGradients)
      ? Object.fromEntries(variableGradients.map((g) => [g.name, g.tensor]))
      : variableGradients;
    const { beta1, beta2, weightDecay, decayVectors, clipNorm } = this.options;
    const epsilon = this.epsilonOnBackend();
    const lr = this.currentLearningRate;
    const t = this.step + 1;
    const correction1 = 1 - beta1 ** t;
    const correction2 = 1 - beta2 ** t;
    tf.tidy(() => {
      const grads = clipNorm === undefined ? named : clipByGlobalNorm(named, clipNorm).grads;
      for (const [name, gradient] of Object.entries(grads)) {
        if (gradient == null) continue;
        const value = tf.engine().registeredVariables[name];
        if (value === undefined) fail('AdamW', `no variable named ${name}`);
        const slots = this.slotsOf(name, value);
        const m = tf.add(tf.mul(slots.m, beta1), tf.mul(gradient, 1 - beta1));
        const v = tf.add(tf.mul(slots.v, beta2), tf.mul(tf.square(gradient), 1 - beta2));
        slots.m.assign(m);
        slots.v.assign(v);
        const decays = weightDecay > 0 && (decayVectors || value.rank >= 2);
        const decayed = decays ? tf.mul(value, 1 - lr * weightDecay) : value;
        const denominator = tf.add(tf.sqrt(tf.div(v, correction2)), epsilon);
        value.assign(tf.sub(decayed, tf.div(tf.mul(m, lr / correction1), denominator)));
      }
    });
    this.step = t;
  }

  /** The epsilon the current backend can represent (see {@link AdamWOptions.epsilon}). */
  private epsilonOnBackend(): number {
    const { epsilon } = this.options;
    const backend = tf.backend();
    if (backend.floatPrecision() !== 16) return epsilon;
    const smallest = backend.epsilon(); // 1e-4 where floats have 16 bits
    if (epsilon >= smallest) return epsilon;
    if (!this.epsilonGiven) return smallest;
    return fail(
      'AdamW',
      `epsilon ${epsilon} rounds to 0 in the ${tf.getBackend()} backend's 16-bit floats (a weight whose gradient has been 0 would get 0/0); use at least ${smallest}`,
    );
  }

  private slotsOf(name: string, value: tf.Variable): Slots {
    let slots = this.slots.get(name);
    if (slots === undefined) {
      slots = tf.tidy(() => ({
        m: tf.variable(tf.zerosLike(value), false),
        v: tf.variable(tf.zerosLike(value), false),
      }));
      this.slots.set(name, slots);
    }
    return slots;
  }

  /**
   * The step count and every slot: `[iter, ...'<variable>/m', ...'<variable>/v']`, the layout
   * of tfjs' Adam.
   * @returns The named tensors (the slots themselves, not copies).
   */
  override async getWeights(): Promise<NamedTensor[]> {
    const entries = [...this.slots.entries()];
    return [
      { name: 'iter', tensor: tf.scalar(this.step, 'int32') },
      ...entries.map(([name, s]) => ({ name: `${name}/m`, tensor: s.m })),
      ...entries.map(([name, s]) => ({ name: `${name}/v`, tensor: s.v })),
    ];
  }

  /**
   * Restores what {@link AdamW.getWeights} returned (new variables; the inputs stay the caller's).
   * @param weightValues - `[iter, ...m, ...v]` named as `getWeights` names them.
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const [iter, ...rest] = weightValues;
    if (iter === undefined || rest.length % 2 !== 0)
      fail('AdamW', `setWeights expects [iter, ...m, ...v], got ${weightValues.length} tensors`);
    const step = (await iter.tensor.data())[0] as number;
    for (const s of this.slots.values()) tf.dispose([s.m, s.v]);
    this.slots.clear();
    const half = rest.length / 2;
    for (let i = 0; i < half; i++) {
      const m = rest[i] as NamedTensor;
      const v = rest[half + i] as NamedTensor;
      const name = m.name.replace(/\/m$/, '');
      if (v.name !== `${name}/v`) fail('AdamW', `slot ${v.name} does not pair with ${m.name}`);
      this.slots.set(name, {
        m: tf.variable(m.tensor, false),
        v: tf.variable(v.tensor, false),
      });
    }
    this.step = step;
  }

  /** Releases the slots. */
  override dispose(): void {
    for (const s of this.slots.values()) tf.dispose([s.m, s.v]);
    this.slots.clear();
  }

  /** @returns The options, for tfjs serialization. */
  override getConfig(): tf.serialization.ConfigDict {
    // A default epsilon stays a default, so a copy made on a 16-bit backend may still raise it.
    const { epsilon: _default, ...rest } = this.options;
    return (this.epsilonGiven
      ? { ...this.options }
      : rest) as unknown as tf.serialization.ConfigDict;
  }

  /**
   * @param cls - The class to build (tfjs passes it).
   * @param config - What {@link AdamW.getConfig} returned.
   * @returns A new optimizer with those options and fresh slots.
   */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config as AdamWOptions);
  }
}

tf.serialization.registerClass(AdamW);
