import { describe, expect, it } from 'vitest';
import { createLoss, listLosses, registerLoss } from './default-registry.js';
import { LossRegistry, LossRegistryError } from './registry.js';
import { backpropSquared } from './backprop-losses.js';

describe('loss registry', () => {
  it('has every built-in loss, registered by name', () => {
    expect(listLosses().map((l) => l.name)).toEqual([
      'bp-squared', 'bp-cross-entropy', 'simple-adversarial', 'pgd-adversarial',
      'rovr', 'arovr', 'arovr-gamma', 'arovr-alpha', 'arovr-alpha-beta', 'arovr-g-alpha-beta', 'arovr-d',
    ]);
  });

  it('refuses a second registration of a name', () => {
    expect(() => registerLoss(backpropSquared)).toThrow(new LossRegistryError("a loss named 'bp-squared' is already registered"));
    const registry = new LossRegistry();
    registry.register(backpropSquared);
    expect(() => registry.register({ ...backpropSquared })).toThrow(/already registered/);
  });

  it('names what is registered when asked for an unknown loss, and rejects bad names', () => {
    expect(() => createLoss('arvor')).toThrow(/unknown loss 'arvor'; registered: bp-squared, .*arovr/);
    expect(() => new LossRegistry().register({ ...backpropSquared, name: 'Bad Name' })).toThrow(/lower-case words/);
  });
});
