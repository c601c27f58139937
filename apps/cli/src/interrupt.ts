/**
 * First Ctrl-C: ask long work to stop at the next safe point (the signal aborts); second:
 * exit at once with 130. Checkpoints are written atomically, so both leave them intact.
 */
export function stopOnInterrupt(onFirst: () => void): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const handler = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
    onFirst();
  };
  process.on('SIGINT', handler);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', handler) };
}
