/** Runs a stepwise attack to the end without pausing (the synchronous `perturb`). */
export function drainSteps<T>(steps: Generator<void, T, void>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}
