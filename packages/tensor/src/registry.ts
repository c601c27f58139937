/**
 * One option an entry accepts: its type, default and allowed range, so help text and
 * validation come from the same place. `object` options (e.g. a step size `{ absolute }`) are
 * only checked for being objects here, `any` options not at all; the entry's factory checks them.
 */
export interface OptionSchema {
  readonly name: string;
  readonly type: 'number' | 'integer' | 'boolean' | 'string' | 'object' | 'function' | 'any';
  readonly description: string;
  /** The value used when the option is not given (absent: no default). */
  readonly default?: unknown;
  /** The option must be given. */
  readonly required?: boolean;
  /** Bounds of a number or integer; `exclusiveMin` makes `min` strict (a value > min). */
  readonly min?: number;
  readonly max?: number;
  readonly exclusiveMin?: boolean;
  /** Allowed strings: a fixed list, or a function for lists that grow (e.g. registered norms). */
  readonly choices?: readonly string[] | (() => readonly string[]);
}

/** What every registry entry carries: a name (the key), a label, a description and its options. */
export interface Registrable {
  readonly name: string;
  /** Human-readable name, e.g. 'L∞' for the norm 'linf' (default: the name). */
  readonly label?: string;
  readonly description: string;
  /** The options this entry accepts (absent: the entry does not declare them). */
  readonly options?: readonly OptionSchema[];
}

/** Registering a taken or malformed name, asking for an unknown one, or invalid options. */
export class RegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryError';
  }
}

export interface RegistrySettings<T> {
  /** What the entries are, in the singular: 'norm', 'loss', 'attack', … */
  readonly kind: string;
  /** Words before the list of names in the unknown-name error (default `known ${kind}s`). */
  readonly knownLabel?: string;
  /** Builds the thrown error, so each package keeps its own error class (default RegistryError). */
  readonly error?: (message: string) => Error;
  /** Entries registered at construction, through `register`. */
  readonly initial?: Iterable<T>;
}

// Names are keys typed on command lines and in config files: lower-case words joined by '-'.
const namePattern = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Entries by name, one shape for every extension point (norms, attack objectives, attacks,
 * losses, solvers). Built-ins are registered through the same `register` a downstream package
 * uses; registering a name twice is an error, not a silent replace.
 */
export class Registry<T extends Registrable> {
  readonly kind: string;
  private readonly byName = new Map<string, T>();
  private readonly settings: RegistrySettings<T>;

  constructor(settings: RegistrySettings<T>) {
    this.kind = settings.kind;
    this.settings = settings;
    for (const entry of settings.initial ?? []) this.register(entry);
  }

  register(entry: T): void {
    const { name } = entry;
    if (typeof name !== 'string' || !namePattern.test(name))
      throw this.error(`${this.kind} names are lower-case words joined by '-', got '${String(name)}'`);
    if (this.byName.has(name)) throw this.error(`a ${this.kind} named '${name}' is already registered`);
    this.byName.set(name, entry);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The entry named `name`; an unknown name is an error that lists the known ones. */
  get(name: string): T {
    const entry = this.byName.get(name);
    if (entry === undefined) {
      const known = this.settings.knownLabel ?? `known ${this.kind}s`;
      throw this.error(`unknown ${this.kind} '${String(name)}'; ${known}: ${this.names().join(', ')}`);
    }
    return entry;
  }

  /** Registered names, in registration order. */
  names(): string[] {
    return [...this.byName.keys()];
  }

  /** Registered entries, in registration order. */
  entries(): T[] {
    return [...this.byName.values()];
  }

  /** `options` checked against the entry's schema, defaults filled in (see `validateOptions`). */
  validate(name: string, options: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
    const entry = this.get(name);
    try {
      return validateOptions(entry, options);
    } catch (error) {
      throw this.error((error as Error).message);
    }
  }

  private error(message: string): Error {
    return this.settings.error?.(message) ?? new RegistryError(message);
  }
}

/** The label shown to people: the entry's own, or its name. */
export function entryLabel(entry: Registrable): string {
  return entry.label ?? entry.name;
}

function choicesOf(option: OptionSchema): readonly string[] | undefined {
  return typeof option.choices === 'function' ? option.choices() : option.choices;
}

/** The allowed values of an option in words, e.g. 'a positive integer', 'a number in [0, 1]'. */
export function allowedRange(option: OptionSchema): string {
  const choices = choicesOf(option);
  if (choices !== undefined) return `one of ${choices.join(', ')}`;
  if (option.type === 'boolean') return 'true or false';
  if (option.type === 'string') return 'a string';
  if (option.type === 'object') return 'an object';
  if (option.type === 'function') return 'a function';
  if (option.type === 'any') return 'any value the entry accepts';
  const what = option.type === 'integer' ? 'integer' : 'number';
  const { min, max, exclusiveMin } = option;
  if (option.type === 'integer' && min === 1 && max === undefined) return 'a positive integer';
  if (min !== undefined && max !== undefined)
    return `${what === 'integer' ? 'an integer' : 'a number'} in ${exclusiveMin ? '(' : '['}${min}, ${max}]`;
  if (min !== undefined) return `${what === 'integer' ? 'an integer' : 'a finite number'} ${exclusiveMin ? '>' : '≥'} ${min}`;
  if (max !== undefined) return `${what === 'integer' ? 'an integer' : 'a finite number'} ≤ ${max}`;
  return what === 'integer' ? 'an integer' : 'a finite number';
}

function accepts(option: OptionSchema, value: unknown): boolean {
  switch (option.type) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return value !== null && typeof value === 'object';
    case 'function':
      return typeof value === 'function';
    case 'any':
      return true;
    case 'string': {
      const choices = choicesOf(option);
      return typeof value === 'string' && (choices === undefined || choices.includes(value));
    }
    default: {
      if (typeof value !== 'number' || !Number.isFinite(value)) return false;
      if (option.type === 'integer' && !Number.isInteger(value)) return false;
      const { min, max, exclusiveMin } = option;
      if (min !== undefined && (exclusiveMin ? value <= min : value < min)) return false;
      return max === undefined || value <= max;
    }
  }
}

/**
 * Checks `options` against `entry.options`: an unknown key, a missing required option or a
 * value out of range is a RegistryError naming the option, the value and the allowed range.
 * Returns the options with defaults filled in. An entry that declares no options accepts any.
 */
export function validateOptions(
  entry: Registrable,
  options: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  const schema = entry.options;
  if (schema === undefined) return { ...options };
  const known = schema.map((o) => o.name);
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new RegistryError(
      `${entry.name}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; known: ${known.join(', ') || 'none'}`,
    );
  }
  const resolved: Record<string, unknown> = {};
  for (const option of schema) {
    const value = options[option.name];
    if (value === undefined) {
      if (option.required) throw new RegistryError(`${entry.name}: option ${option.name} is required (${allowedRange(option)})`);
      if (option.default !== undefined) resolved[option.name] = option.default;
      continue;
    }
    if (!accepts(option, value)) {
      const shown = typeof value === 'string' ? `'${value}'` : typeof value === 'object' ? JSON.stringify(value) : String(value);
      throw new RegistryError(`${entry.name}: ${option.name} must be ${allowedRange(option)}, got ${shown}`);
    }
    resolved[option.name] = value;
  }
  return resolved;
}

/** One help line per option: name, allowed range, default and description. */
export function describeOptions(entry: Registrable): string[] {
  return (entry.options ?? []).map((o) => {
    const fallback = o.default === undefined ? (o.required ? ', required' : '') : `, default ${JSON.stringify(o.default)}`;
    return `${o.name} (${allowedRange(o)}${fallback}): ${o.description}`;
  });
}
