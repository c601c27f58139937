import { Registry } from '@liftguard/tensor';
import type { Loss, LossDefinition } from './loss.js';

/** Registering a loss name twice, or asking for an unknown one. */
export class LossRegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LossRegistryError';
  }
}

/**
 * Losses by name: the one `Registry` shape of @liftguard/tensor, plus `create`. Built-in
 * losses are registered through the same `register` a downstream repo uses.
 */
export class LossRegistry extends Registry<LossDefinition<never>> {
  constructor() {
    super({ kind: 'loss', knownLabel: 'registered', error: (message) => new LossRegistryError(message) });
  }

  override register<Options>(definition: LossDefinition<Options>): void {
    super.register(definition as unknown as LossDefinition<never>);
  }

  /** The loss `name` built with `options` (each loss validates its own options). */
  create<Options>(name: string, options?: Options): Loss {
    return (this.get(name) as unknown as LossDefinition<Options>).create((options ?? {}) as Options);
  }

  list(): { name: string; description: string }[] {
    return this.entries().map(({ name, description }) => ({ name, description }));
  }
}
