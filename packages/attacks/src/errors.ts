/** A configuration value an attack cannot run with (ε < 0, steps = 0, unknown norm, …). */
export class AttackConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AttackConfigError';
  }
}

/** Inputs an attack cannot run on (wrong shape, NaN, labels out of range, probability outputs). */
export class AttackInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AttackInputError';
  }
}

/** A run stopped by its AbortSignal (e.g. Ctrl-C) before it finished. */
export class AttackAbortedError extends Error {
  constructor() {
    super('the attack was stopped before it finished');
    this.name = 'AttackAbortedError';
  }
}
