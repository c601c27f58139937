import { describe, expect, it } from 'vitest';
import { describeOptions } from '@liftguard/tensor';
import { attacks, createAttack } from './attack-registry.js';
import { fgsm, pgd } from './pgd.js';

describe('attack options are validated against each attack’s schema', () => {
  it('rejects unknown options, naming them and the known ones', () => {
    expect(() => createAttack('pgd', { norm: 'linf', step: 3 })).toThrow(
      'pgd: unknown option step; known: norm, steps, stepSize, randomStart, restarts, loss',
    );
    expect(() => createAttack('fgsm', { steps: 3 })).toThrow('fgsm: unknown option steps; known: norm, loss');
    expect(() => pgd({ norm: 'linf', restart: 2 } as never)).toThrow(/unknown option restart/);
    expect(() => fgsm({ norm: 'linf', randomStart: true } as never)).toThrow(/unknown option randomStart/);
  });

  it('names option, value and allowed range for values out of range', () => {
    expect(() => createAttack('pgd', { norm: 'linf', restarts: 0 })).toThrow('pgd: restarts must be a positive integer, got 0');
    expect(() => createAttack('pgd', { norm: 'l7' })).toThrow("pgd: norm must be one of linf, l2, l1");
    expect(() => createAttack('pgd', { norm: 'l2', loss: 'hinge' })).toThrow(/pgd: loss must be one of cross-entropy, margin, dlr.*, got 'hinge'/);
    expect(() => createAttack('pgd', { norm: 'l2', randomStart: 'no' })).toThrow("pgd: randomStart must be true or false, got 'no'");
    expect(() => createAttack('pgd', {})).toThrow('pgd: option norm is required');
  });

  it('describes every built-in attack with a label and its options for help text', () => {
    expect(attacks.entries().slice(0, 2).map((a) => a.label)).toEqual(['FGSM', 'PGD']);
    expect(describeOptions(attacks.get('pgd'))).toContain('steps (a positive integer, default 40): gradient steps per restart');
  });
});
