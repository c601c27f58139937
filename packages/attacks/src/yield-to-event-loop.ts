/** Lets timers and I/O run between long synchronous stretches (one ε, one attack stage). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
