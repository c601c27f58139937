import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { choiceOption } from '../args.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';

/** The experiments, by the bench suite that runs them. */
const experiments = { arovr: 'losses', repair: 'repair' } as const;

const benchRunner = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bench', 'dist', 'run.js');

export const reproduceCommand: Command = {
  name: 'reproduce',
  summary: "run the papers' experiments (short by default, --full for the real ones); results go to docs/results/",
  usage: 'liftguard reproduce [--experiment arovr|repair|all] [--full]',
  examples: ['liftguard reproduce', 'liftguard reproduce --experiment arovr --full'],
  options: {
    experiment: { type: 'string', placeholder: 'NAME', description: 'arovr (lifted networks, LIFTED.md §4) | repair (cutting planes) | all', default: 'all' },
    full: { type: 'boolean', description: 'the full settings (hours on 2 cores) instead of the short smoke run' },
  },
  async run({ values, output }) {
    const which = choiceOption(values, 'experiment', ['arovr', 'repair', 'all'] as const)!;
    if (!existsSync(benchRunner)) {
      throw new CliError(`reproduce runs the benchmark app of a LiftGuard clone; build it first (npm run build): ${benchRunner} is missing`);
    }
    const names = which === 'all' ? (['arovr', 'repair'] as const) : ([which] as const);
    for (const name of names) {
      const args = [benchRunner, experiments[name], ...(values.full ? [] : ['--quick'])];
      output.note(`running: node ${args.map((a) => (a === benchRunner ? join('apps', 'bench', 'dist', 'run.js') : a)).join(' ')}`);
      const code = await new Promise<number>((done) => {
        const child = spawn(process.execPath, args, { stdio: ['ignore', output.json ? 'ignore' : 'inherit', 'inherit'] });
        child.on('exit', (status) => done(status ?? 1));
      });
      if (code !== 0) throw new CliError(`the ${name} experiment failed (exit ${code})`);
    }
    output.result({ experiments: names, full: values.full === true, results: 'docs/results/' }, () => `done: ${names.join(', ')}; results in docs/results/`);
  },
};
