import { builtInLosses } from './built-in-losses.js';
import type { Loss, LossDefinition } from './loss.js';
import { LossRegistry } from './registry.js';

let registry: LossRegistry | undefined;

/** The process-wide registry, with the built-in losses registered through `register`. */
export function defaultLossRegistry(): LossRegistry {
  if (!registry) {
    registry = new LossRegistry();
    for (const definition of builtInLosses) registry.register(definition);
  }
  return registry;
}

/** Registers a loss by name (a second registration of a name is an error). */
export function registerLoss<Options>(definition: LossDefinition<Options>): void {
  defaultLossRegistry().register(definition);
}

/** A loss from the default registry, with its options validated. */
export function createLoss<Options = Record<string, unknown>>(name: string, options?: Options): Loss {
  return defaultLossRegistry().create(name, options);
}

/** Names and descriptions of every registered loss. */
export function listLosses(): { name: string; description: string }[] {
  return defaultLossRegistry().list();
}
