import { describe, expect, it } from 'vitest';
import { attackNames, createAttack, registerAttack } from './attack-registry.js';
import { fgsm } from './pgd.js';

describe('attack registry', () => {
  it('builds the built-in attacks by name with their resolved configs', () => {
    expect(attackNames()).toEqual(expect.arrayContaining(['fgsm', 'pgd']));
    expect(createAttack('pgd', { norm: 'l2', steps: 7 }).config).toMatchObject({
      attack: 'pgd',
      norm: 'l2',
      steps: 7,
      restarts: 1,
    });
    expect(createAttack('fgsm').config).toEqual(fgsm().config);
  });

  it('refuses unknown names and a second registration under a taken name', () => {
    expect(() => createAttack('deepfool')).toThrow(
      /unknown attack 'deepfool'; registered attacks: fgsm, pgd/,
    );
    expect(() => registerAttack('pgd', () => fgsm())).toThrow(/already registered/);
    registerAttack('fgsm-margin', (options) => fgsm({ ...options, loss: 'margin' }));
    expect(createAttack('fgsm-margin').config.loss).toBe('margin');
  });

  it('validates options through the attack it builds', () => {
    expect(() => createAttack('pgd', { norm: 'linf', steps: -1 })).toThrow(
      /steps must be a positive integer/,
    );
  });
});
