import { describe, expect, it } from 'vitest';
import { describeOptions, Registry, RegistryError, validateOptions, type Registrable } from './registry.js';

interface Shape extends Registrable {
  area(size: number): number;
}

const square: Shape = {
  name: 'square',
  label: 'Square',
  description: 'a square of side size',
  options: [
    { name: 'size', type: 'number', min: 0, exclusiveMin: true, default: 1, description: 'side length' },
    { name: 'copies', type: 'integer', min: 1, description: 'how many' },
    { name: 'fill', type: 'string', choices: ['none', 'solid'], default: 'none', description: 'fill style' },
    { name: 'ratio', type: 'number', min: 0, max: 1, description: 'a share' },
  ],
  area: (size) => size * size,
};

describe('Registry', () => {
  it('registers, looks up, lists names and entries in registration order', () => {
    const shapes = new Registry<Shape>({ kind: 'shape', initial: [square] });
    shapes.register({ name: 'circle', description: 'a disc', area: (r) => Math.PI * r * r });
    expect(shapes.names()).toEqual(['square', 'circle']);
    expect(shapes.entries().map((e) => e.name)).toEqual(['square', 'circle']);
    expect(shapes.get('circle').area(1)).toBeCloseTo(Math.PI, 12);
    expect(shapes.has('triangle')).toBe(false);
  });

  it('refuses a taken name and a malformed one, and lists the known names on a miss', () => {
    const shapes = new Registry<Shape>({ kind: 'shape', initial: [square] });
    expect(() => shapes.register({ ...square })).toThrow(new RegistryError("a shape named 'square' is already registered"));
    expect(() => shapes.register({ ...square, name: 'Big Square' })).toThrow(/shape names are lower-case words/);
    expect(() => shapes.get('hexagon')).toThrow(new RegistryError("unknown shape 'hexagon'; known shapes: square"));
  });

  it('throws the error class the owner chooses, with its wording for the list', () => {
    class ShapeError extends Error {}
    const shapes = new Registry<Shape>({ kind: 'shape', knownLabel: 'registered', error: (m) => new ShapeError(m) });
    expect(() => shapes.get('x')).toThrow(ShapeError);
    expect(() => shapes.get('x')).toThrow("unknown shape 'x'; registered: ");
  });
});

describe('validateOptions', () => {
  it('fills in defaults and passes values in range through', () => {
    expect(validateOptions(square, { copies: 3 })).toEqual({ size: 1, copies: 3, fill: 'none' });
    expect(validateOptions(square, { size: 0.5, fill: 'solid', ratio: 1 })).toEqual({ size: 0.5, fill: 'solid', ratio: 1 });
  });

  it('rejects unknown options naming them and the known ones', () => {
    expect(() => validateOptions(square, { sise: 2 })).toThrow("square: unknown option sise; known: size, copies, fill, ratio");
  });

  it('rejects every out-of-range value naming option, value and allowed range', () => {
    expect(() => validateOptions(square, { size: 0 })).toThrow('square: size must be a finite number > 0, got 0');
    expect(() => validateOptions(square, { copies: 1.5 })).toThrow('square: copies must be a positive integer, got 1.5');
    expect(() => validateOptions(square, { fill: 'dots' })).toThrow("square: fill must be one of none, solid, got 'dots'");
    expect(() => validateOptions(square, { ratio: 1.01 })).toThrow('square: ratio must be a number in [0, 1], got 1.01');
    expect(() => validateOptions(square, { size: Number.NaN })).toThrow(/size must be/);
    expect(() => validateOptions(square, { size: '2' })).toThrow(/size must be a finite number > 0, got '2'/);
  });

  it('accepts anything for an entry that declares no options, and writes help from the schema', () => {
    expect(validateOptions({ name: 'free', description: '' }, { any: 1 })).toEqual({ any: 1 });
    expect(describeOptions(square)[0]).toBe('size (a finite number > 0, default 1): side length');
  });

  it('reads choices that grow from a function at validation time', () => {
    const known = ['a'];
    const entry: Registrable = { name: 'e', description: '', options: [{ name: 'pick', type: 'string', choices: () => known, description: '' }] };
    expect(() => validateOptions(entry, { pick: 'b' })).toThrow(/one of a, got 'b'/);
    known.push('b');
    expect(validateOptions(entry, { pick: 'b' })).toEqual({ pick: 'b' });
  });
});
