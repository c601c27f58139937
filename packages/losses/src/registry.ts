import type { Loss, LossDefinition } from './loss.js';

/** Registering a loss name twice, or asking for an unknown one. */
export class LossRegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LossRegistryError';
  }
}

/** Losses by name. Built-in losses are registered through the same `register` a downstream repo uses. */
export class LossRegistry {
  private readonly definitions = new Map<string, LossDefinition<never>>();

  register<Options>(definition: LossDefinition<Options>): void {
    const { name } = definition;
    if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(name)) {
      throw new LossRegistryError(`loss names are lower-case words joined by '-', got '${String(name)}'`);
    }
    if (this.definitions.has(name)) throw new LossRegistryError(`a loss named '${name}' is already registered`);
    this.definitions.set(name, definition as LossDefinition<never>);
  }

  has(name: string): boolean {
    return this.definitions.has(name);
  }

  create<Options>(name: string, options?: Options): Loss {
    const definition = this.definitions.get(name);
    if (!definition) {
      throw new LossRegistryError(`unknown loss '${name}'; registered: ${[...this.definitions.keys()].join(', ')}`);
    }
    return (definition as LossDefinition<Options>).create((options ?? {}) as Options);
  }

  list(): { name: string; description: string }[] {
    return [...this.definitions.values()].map(({ name, description }) => ({ name, description }));
  }
}
