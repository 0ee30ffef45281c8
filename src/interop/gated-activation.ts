import { fail } from '../analysis/validation.js';
import type { FFNActivation } from '../layers/ffn.js';

/** `hidden_act` of a gated (Llama-style) MLP ↔ tiedformer's gated activations. */
const GATED: Record<string, FFNActivation> = {
  silu: 'swiglu',
  swish: 'swiglu',
  gelu: 'geglu',
  gelu_pytorch_tanh: 'geglu_tanh',
  gelu_new: 'geglu_tanh',
};

/**
 * The tiedformer activation of a Llama-style gated MLP whose `hidden_act` is `name`
 * (`act(gate) ⊙ up`): `silu` → `'swiglu'`, `gelu` (exact) → `'geglu'`, `gelu_pytorch_tanh` or
 * `gelu_new` → `'geglu_tanh'`.
 * @internal
 */
export function gatedActivationFromHF(owner: string, field: string, name: string): FFNActivation {
  const activation = GATED[name];
  if (!activation)
    fail(
      owner,
      `config.json: ${field} = ${JSON.stringify(name)} is not supported (expected one of ${Object.keys(GATED).join(', ')})`,
    );
  return activation;
}

/**
 * The `hidden_act` name of a tiedformer gated activation (`'swiglu'` → `silu`, `'geglu'` →
 * `gelu`, `'geglu_tanh'` → `gelu_pytorch_tanh`).
 * @internal
 */
export function gatedActivationToHF(owner: string, activation: FFNActivation): string {
  if (activation === 'swiglu') return 'silu';
  if (activation === 'geglu') return 'gelu';
  if (activation === 'geglu_tanh') return 'gelu_pytorch_tanh';
  return fail(
    owner,
    `activation '${activation}' has no equivalent: this architecture's MLP is gated ('swiglu', 'geglu' or 'geglu_tanh')`,
  );
}
