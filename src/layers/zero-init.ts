let active = 0;

/**
 * Runs `build` with every tiedformer weight created as zeros instead of drawn from its
 * initializer: for models whose weights are about to be overwritten (a checkpoint import),
 * where drawing 135M normal samples would take longer than reading the file.
 * Synchronous, so no other model can be built while it is active.
 * @internal
 */
export function withZeroInit<T>(build: () => T): T {
  active++;
  try {
    return build();
  } finally {
    active--;
  }
}

/** Whether {@link withZeroInit} is running. @internal */
export function zeroInitActive(): boolean {
  return active > 0;
}
