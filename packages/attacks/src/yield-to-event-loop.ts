/** Lets timers and I/O run between long synchronous stretches (one ε, one attack stage). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Yields to the event loop once `intervalMs` have passed since the last yield, so signals are seen within that time. */
export class EventLoopPause {
  private last = performance.now();

  constructor(private readonly intervalMs = 100) {}

  async maybe(): Promise<void> {
    if (performance.now() - this.last < this.intervalMs) return;
    await yieldToEventLoop();
    this.last = performance.now();
  }
}
