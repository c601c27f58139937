import { describe, expect, it } from 'vitest';
import { listLosses, defaultLossRegistry } from './default-registry.js';

describe('loss option schemas', () => {
  it('list exactly the options each built-in loss accepts', () => {
    for (const { name } of listLosses()) {
      const schema = defaultLossRegistry().get(name).options ?? [];
      expect(schema.length, name).toBeGreaterThan(0);
      let message = '';
      try {
        defaultLossRegistry().create(name, { notAnOption: 1 });
      } catch (error) {
        message = (error as Error).message;
      }
      // The factory's own "unknown option(s) …; known: …" list is the schema's names.
      const known = /known: (.*)$/.exec(message)?.[1]?.split(', ');
      expect(known, name).toEqual(schema.map((o) => o.name));
    }
  });
});
