/**
 * Whom the attack works against. Untargeted: away from the true labels (default) or from the
 * model's own clean predictions (data generation). Targeted: towards a given label per
 * example, a random class other than the true one, or the clean least-likely class.
 */
export type AttackGoal =
  | { kind: 'untargeted'; labels: 'true' | 'predicted' }
  | { kind: 'targeted'; target: 'given' | 'random-wrong' | 'least-likely' };

export const defaultGoal: AttackGoal = { kind: 'untargeted', labels: 'true' };
