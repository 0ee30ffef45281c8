import { fail } from '../analysis/validation.js';
import type { HuggingFaceConfig } from './hugging-face-architecture.js';

/**
 * Typed, validated reads of `config.json` fields, with errors naming the architecture and the
 * field (`[LlamaForCausalLM] config.json: hidden_size must be a positive integer, got "576"`).
 * @internal
 */
export class ConfigFields {
  constructor(
    private readonly owner: string,
    private readonly config: HuggingFaceConfig,
  ) {}

  private bad(field: string, what: string, value: unknown): never {
    return fail(this.owner, `config.json: ${field} must be ${what}, got ${JSON.stringify(value)}`);
  }

  /** A required positive integer. */
  int(field: string, fallback?: number): number {
    const value = this.config[field] ?? fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
      this.bad(field, 'a positive integer', value);
    return value;
  }

  /** A positive finite number. */
  number(field: string, fallback?: number): number {
    const value = this.config[field] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
      this.bad(field, 'a finite number > 0', value);
    return value;
  }

  /** A boolean. */
  bool(field: string, fallback: boolean): boolean {
    const value = this.config[field] ?? fallback;
    if (typeof value !== 'boolean') this.bad(field, 'true or false', value);
    return value;
  }

  /** A string. */
  string(field: string, fallback?: string): string {
    const value = this.config[field] ?? fallback;
    if (typeof value !== 'string') this.bad(field, 'a string', value);
    return value;
  }

  /** The field is absent, null, or one of the harmless values given. */
  unsupported(field: string, harmless: unknown[] = [], why = 'tiedformer has no equivalent'): void {
    const value = this.config[field];
    if (value === undefined || value === null || harmless.includes(value)) return;
    fail(this.owner, `config.json: ${field} = ${JSON.stringify(value)} is not supported (${why})`);
  }
}
