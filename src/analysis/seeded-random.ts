/**
 * Seeded pseudo-random generators for the analysis and for sampling, small enough for a
 * browser bundle: the 32-bit Mersenne Twister MT19937 (Matsumoto & Nishimura 1998, seeded with
 * their `init_genrand`) and standard normals from it by the Box–Muller transform. They replace
 * `@stdlib/random-base-*`, which pulled ~120 KB of array packages into every bundle; the
 * test checks MT19937 against `@stdlib/random-base-mt19937` and the reference's first output.
 *
 * The APIs mirror the `@stdlib` factories they replace, so callers changed only an import.
 */

const N = 624;
const M = 397;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;
const MATRIX_A = 0x9908b0df;

/**
 * MT19937: `mt19937.factory({ seed })()` returns the next uint32 in `[0, 2³²)`; seed 5489
 * gives 3499211612 first, as the reference implementation does.
 *
 * @internal
 */
export const mt19937 = {
  /**
   * @param options - `seed`: a positive integer (taken modulo 2³²).
   * @returns A generator of uint32s.
   */
  factory(options: { seed: number }): () => number {
    const state = new Uint32Array(N);
    state[0] = options.seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = (state[i - 1] as number) ^ ((state[i - 1] as number) >>> 30);
      // 1812433253 · prev + i (mod 2³²), split to stay exact in doubles.
      state[i] =
        ((((prev & 0xffff0000) >>> 16) * 1812433253) << 16) + (prev & 0xffff) * 1812433253 + i;
    }
    let index = N;
    const twist = () => {
      for (let k = 0; k < N; k++) {
        const y = ((state[k] as number) & UPPER) | ((state[(k + 1) % N] as number) & LOWER);
        state[k] = (state[(k + M) % N] as number) ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      index = 0;
    };
    return () => {
      if (index >= N) twist();
      let y = state[index++] as number;
      y ^= y >>> 11;
      y ^= (y << 7) & 0x9d2c5680;
      y ^= (y << 15) & 0xefc60000;
      y ^= y >>> 18;
      return y >>> 0;
    };
  },
};

/**
 * Normal deviates: `normal.factory(mu, sigma, { seed })()` returns `mu + sigma·z`, `z ~ N(0, 1)`,
 * by Box–Muller over 53-bit uniforms from {@link mt19937} (two deviates per pair of uniforms).
 *
 * @internal
 */
export const normal = {
  /**
   * @param mu - Mean.
   * @param sigma - Standard deviation.
   * @param options - `seed`: a positive integer.
   * @returns A generator of normal deviates.
   */
  factory(mu: number, sigma: number, options: { seed: number }): () => number {
    const next = mt19937.factory(options);
    // genrand_res53: a uniform in [0, 1) with 53 random bits.
    const uniform = () => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
    let spare: number | undefined;
    return () => {
      if (spare !== undefined) {
        const z = spare;
        spare = undefined;
        return mu + sigma * z;
      }
      let u = uniform();
      while (u === 0) u = uniform();
      const radius = Math.sqrt(-2 * Math.log(u));
      const angle = 2 * Math.PI * uniform();
      spare = radius * Math.sin(angle);
      return mu + sigma * radius * Math.cos(angle);
    };
  },
};
