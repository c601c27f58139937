import { AttackAbortedError } from '@liftguard/attacks';
import { InterruptedError } from './errors.js';

/** Runs `work` with Ctrl-C stopping it at the next batch; a stopped attack becomes exit 130 with nothing written. */
export async function attackUntilInterrupted<T>(note: (line: string) => void, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const interrupt = stopOnInterrupt(() => note('liftguard: stopping after this batch (Ctrl-C again to exit at once); nothing will be written'));
  try {
    return await work(interrupt.signal);
  } catch (error) {
    if (error instanceof AttackAbortedError) throw new InterruptedError('stopped by Ctrl-C before the attack finished; nothing was written');
    throw error;
  } finally {
    interrupt.dispose();
  }
}

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
