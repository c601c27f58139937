import type { NormName } from '@liftguard/attacks';

/** What the page exposes on `window.liftguardPlayground` so the end-to-end test can check numbers, not pixels. */
export interface PlaygroundTestHook {
  backend: string | null;
  modelsLoaded: string[];
  /** Finished input attacks so far (a test waits for it to grow). */
  attacks: number;
  lastAttack: {
    model: string;
    norm: NormName;
    epsilon: number;
    original: number[];
    adversarial: number[];
    cleanPrediction: number;
    prediction: number;
    milliseconds: number;
  } | null;
  lastCurve: { epsilons: number[]; series: { name: string; robustAccuracy: number[] }[] } | null;
  loadMilliseconds: number | null;
  error: string | null;
}

export function installTestHook(): PlaygroundTestHook {
  const hook: PlaygroundTestHook = { backend: null, attacks: 0, modelsLoaded: [], lastAttack: null, lastCurve: null, loadMilliseconds: null, error: null };
  (window as unknown as { liftguardPlayground: PlaygroundTestHook }).liftguardPlayground = hook;
  return hook;
}
