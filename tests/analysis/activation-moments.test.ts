import { describe, expect, it } from 'vitest';
import { activationCovariance, activationMoments } from '../../src/analysis/activation-moments.js';

describe('activationMoments', () => {
  it('gives E[relu(a)²] = q/2 and the arc-cosine kernel for correlated inputs', () => {
    for (const q of [0.01, 0.2, 1, 4]) {
      const m = activationMoments('relu', q);
      expect(m.meanSquare / (q / 2)).toBeCloseTo(1, 6);
      // Cho & Saul's order-1 arc-cosine kernel: E[relu(a)relu(a')] =
      // q/(2π)·(√(1 − ρ²) + (π − arccos ρ)·ρ). Nine Hermite terms: within 1 % of E[relu²].
      for (const rho of [0, 0.3, 0.7, 0.95]) {
        const exact =
          (q / (2 * Math.PI)) * (Math.sqrt(1 - rho * rho) + (Math.PI - Math.acos(rho)) * rho);
        expect(Math.abs(activationCovariance(m, rho) - exact)).toBeLessThan(0.01 * (q / 2));
      }
      expect(activationCovariance(m, 1)).toBe(m.meanSquare);
    }
  });

  it('matches the small-q expansions of GELU and SiLU', () => {
    const q = 0.01;
    // gelu(a) = a/2 + φ(0)a² + O(a⁴): E = q/4 + 3q²/(2π) + O(q³)
    const gelu = activationMoments('gelu', q).meanSquare;
    expect(Math.abs(gelu - (q / 4 + (3 * q * q) / (2 * Math.PI)))).toBeLessThan(q ** 3);
    // tanh-GELU agrees with exact GELU to ~1e-3 relative
    expect(activationMoments('gelu_tanh', q).meanSquare / gelu).toBeCloseTo(1, 3);
    // silu(a) = a/2 + a²/4 + O(a⁴): E = q/4 + 3q²/16 + O(q³)
    const silu = activationMoments('swiglu', q).meanSquare;
    expect(Math.abs(silu - (q / 4 + (3 * q * q) / 16))).toBeLessThan(q ** 3);
  });

  it('gives the closed-form means E[relu(a)] and E[gelu(a)] as c₀', () => {
    // E[relu(a)] = √(q/(2π)); E[gelu(a)] = q/√(2π(1 + q)).
    const q = 0.5;
    expect(activationMoments('relu', q).hermite[0]).toBeCloseTo(Math.sqrt(q / (2 * Math.PI)), 5); // trapezoid across the kink;
    expect(activationMoments('gelu', q).hermite[0]).toBeCloseTo(
      q / Math.sqrt(2 * Math.PI * (1 + q)),
      8,
    );
  });
});
