import type { CausalLMAnalysisOptions } from './causal-lm-analysis-options.js';
import { estimateCausalLMInitialLoss } from './estimate-causal-lm-initial-loss.js';
import type { HeadKind } from './initial-loss.js';
import { fail, positiveNumber } from './validation.js';

/**
 * One row of {@link initialLossByHead}: a head and an embedding std, with the estimated
 * initial loss of the model that uses them.
 *
 * @example
 * ```ts
 * import { initialLossByHead, type HeadChoice } from 'tiedformer/analysis';
 * const rows: HeadChoice[] = initialLossByHead(
 *   { vocabSize: 8192, hiddenSize: 256, numLayers: 2, numHeads: 4, intermediateSize: 1024, head: 'tied' },
 *   { sequenceLength: 64 },
 * );
 * ```
 */
export interface HeadChoice {
  /** The head design. */
  head: HeadKind;
  /** The embedding std tried (`'recommended'` resolved to `ln(n)/d`). */
  embeddingStd: number;
  /** Estimated initial loss (nats) of the model with this head and std. */
  loss: number;
  /** `loss − ln n`. */
  excess: number;
  /** Whether `excess ≤ tolerance`. */
  nearUniform: boolean;
}

/**
 * For one model, which heads and embedding stds start near the uniform loss `ln n`: the
 * question a notebook user asks before training. Tries every head (`'shuffled'` with the
 * model's shuffle, default swap-halves) at each std of `embeddingStds` (default: the model's
 * own `embeddingStd` and `'recommended'`, `ln(n)/d`), with everything else as in `opts`, and
 * returns the rows sorted by loss. Estimates come from {@link estimateCausalLMInitialLoss} and
 * share its regime (uniform random tokens; see its accuracy notes).
 *
 * @param opts - The model's `createCausalLM` options (its `head` is one of the rows).
 * @param query - `sequenceLength`; `tolerance` in nats (default `0.1`); `embeddingStds` to try.
 * @returns One row per head and std, lowest loss first.
 * @throws RangeError on invalid options, a non-positive tolerance or an empty std list.
 * @example
 * ```ts
 * import { initialLossByHead } from 'tiedformer/analysis';
 * const rows = initialLossByHead(
 *   { vocabSize: 8192, hiddenSize: 256, numLayers: 2, numHeads: 4, intermediateSize: 1024,
 *     head: 'tied', embeddingStd: 0.1, residualInit: 'zero' },
 *   { sequenceLength: 64, embeddingStds: [0.02, 0.1, 'recommended'] },
 * );
 * for (const r of rows.filter((r) => r.nearUniform)) console.log(r.head, r.embeddingStd);
 * ```
 */
export function initialLossByHead(
  opts: CausalLMAnalysisOptions,
  query: {
    sequenceLength: number;
    tolerance?: number;
    embeddingStds?: readonly (number | 'recommended')[];
  },
): HeadChoice[] {
  const owner = 'initialLossByHead';
  if (typeof query !== 'object' || query === null)
    fail(owner, `expected { sequenceLength, tolerance?, embeddingStds? }, got ${String(query)}`);
  const tolerance = positiveNumber(owner, 'tolerance', query.tolerance ?? 0.1);
  const stds = query.embeddingStds ?? [opts?.embeddingStd ?? 0.02, 'recommended'];
  if (!Array.isArray(stds) || stds.length === 0)
    fail(owner, `embeddingStds must be a non-empty array, got ${JSON.stringify(stds)}`);
  const rows: HeadChoice[] = [];
  const seen = new Set<string>();
  for (const head of ['tied', 'shuffled', 'ortho', 'untied'] as const) {
    for (const std of stds) {
      // Options that belong to one head only go to that head.
      const { shuffle, logitSoftCap, ...rest } = opts;
      const estimate = estimateCausalLMInitialLoss(
        {
          ...rest,
          head,
          embeddingStd: std,
          ...(head === 'shuffled' && shuffle !== undefined ? { shuffle } : {}),
          ...(head === 'tied' && logitSoftCap !== undefined ? { logitSoftCap } : {}),
        },
        { sequenceLength: query.sequenceLength },
      );
      const sigma =
        std === 'recommended' ? Math.log(opts.vocabSize) / opts.hiddenSize : (std as number);
      const key = `${head}/${sigma}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const excess = estimate.loss - estimate.uniform;
      rows.push({
        head,
        embeddingStd: sigma,
        loss: estimate.loss,
        excess,
        nearUniform: excess <= tolerance,
      });
    }
  }
  return rows.sort((a, b) => a.loss - b.loss);
}
