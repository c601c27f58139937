#!/usr/bin/env node
// Offline dependency audit: licenses and install scripts of everything in package-lock.json,
// read from the installed packages, against scripts/audit-policy.json. No network needed.
/* global process, console */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const installHooks = ['preinstall', 'install', 'postinstall'];

/** True when an SPDX expression is satisfied by the allowed ids (OR: any side, AND: both sides). */
export function licenseAllowed(expression, allowed) {
  const text = String(expression ?? '').trim();
  if (text === '') return false;
  const unwrap = (s) => (s.startsWith('(') && s.endsWith(')') && balanced(s.slice(1, -1)) ? unwrap(s.slice(1, -1).trim()) : s);
  const expr = unwrap(text);
  for (const operator of [' OR ', ' AND ']) {
    const parts = splitTopLevel(expr, operator);
    if (parts.length > 1) {
      const results = parts.map((p) => licenseAllowed(p, allowed));
      return operator === ' OR ' ? results.some(Boolean) : results.every(Boolean);
    }
  }
  return allowed.includes(expr.replace(/-only$/, '').replace(/\+$/, '').replace(/-or-later$/, ''));
}

function balanced(s) {
  let depth = 0;
  for (const c of s) {
    depth += c === '(' ? 1 : c === ')' ? -1 : 0;
    if (depth < 0) return false;
  }
  return depth === 0;
}

function splitTopLevel(s, operator) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    else if (depth === 0 && s.startsWith(operator, i)) {
      parts.push(s.slice(start, i).trim());
      start = i + operator.length;
    }
  }
  parts.push(s.slice(start).trim());
  return parts;
}

/** The package name of a lock key such as `node_modules/a/node_modules/@b/c`. */
function nameOf(key) {
  return key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

function matches(name, pattern) {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

function licenseText(manifest) {
  const license = manifest.license ?? manifest.licenses;
  if (Array.isArray(license)) return license.map((l) => l.type ?? l).join(' OR ');
  return typeof license === 'object' && license !== null ? license.type : license;
}

/** Audits a project folder; returns { problems, checked, installScripts }. */
export function auditProject(root, policy) {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  if (lock.lockfileVersion < 2) return { problems: [`package-lock.json: lockfileVersion ${lock.lockfileVersion} has no "packages" map; run npm install with npm ≥ 7`], checked: 0, installScripts: [] };
  const problems = [];
  const installScripts = [];
  let checked = 0;
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (!key.includes('node_modules/')) continue;
    const name = nameOf(key);
    const folder = join(root, key);
    const installed = existsSync(join(folder, 'package.json')) ? JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) : undefined;
    if (entry.link) continue; // a workspace: checked below from its own package.json
    if (installed === undefined && !entry.optional) {
      problems.push(`${key}: in package-lock.json but not installed (run npm ci)`);
      continue;
    }
    checked++;
    if (installed !== undefined && installed.version !== entry.version) {
      problems.push(`${key}: installed version ${installed.version} is not the locked ${entry.version} (run npm ci)`);
    }
    if (!entry.integrity && !entry.link) problems.push(`${key}: no integrity hash in package-lock.json`);
    const license = installed !== undefined ? licenseText(installed) : entry.license;
    if (!licenseAllowed(license, policy.allowedLicenses)) {
      const exception = Object.entries(policy.licenseExceptions ?? {}).find(([pattern, e]) => matches(name, pattern) && (e.license === '*' || e.license === license));
      if (exception === undefined) problems.push(`${key}@${entry.version}: license ${JSON.stringify(license ?? null)} is not in the allow-list (scripts/audit-policy.json)`);
    }
    const hooks = installHooks.filter((hook) => installed?.scripts?.[hook] !== undefined);
    const gyp = installed !== undefined && existsSync(join(folder, 'binding.gyp')) && !installed.scripts?.install;
    if (hooks.length > 0 || gyp || entry.hasInstallScript) {
      const what = [...hooks.map((h) => `${h}: ${installed.scripts[h]}`), ...(gyp ? ['node-gyp rebuild (binding.gyp)'] : [])].join('; ') || 'hasInstallScript in the lock file';
      installScripts.push(`${name}: ${what}`);
      if (!Object.keys(policy.installScripts ?? {}).some((pattern) => matches(name, pattern))) {
        problems.push(`${key}@${entry.version}: runs an install script not in the allow-list (${what})`);
      }
    }
  }
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (key.includes('node_modules/') || !existsSync(join(root, key, 'package.json'))) continue;
    const manifest = JSON.parse(readFileSync(join(root, key, 'package.json'), 'utf8'));
    const license = licenseText(manifest);
    const mayBe = manifest.name === '@liftguard/lp-glpk' ? ['MIT', 'GPL-3.0-only'] : ['MIT'];
    if (manifest.private !== true && !mayBe.includes(license)) problems.push(`${key || '(root)'}: workspace license ${JSON.stringify(license)} should be ${mayBe.join(' or ')}`);
    const hooks = installHooks.filter((hook) => manifest.scripts?.[hook] !== undefined);
    if (hooks.length > 0) problems.push(`${key || '(root)'}: workspace defines ${hooks.join(', ')}; published packages must not run install scripts`);
    void entry;
  }
  return { problems, checked, installScripts };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const policy = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'audit-policy.json'), 'utf8'));
  const { problems, checked, installScripts } = auditProject(root, policy);
  for (const line of installScripts) console.log(`install script (allowed): ${line}`);
  if (problems.length > 0) {
    for (const line of problems) console.error(`audit: ${line}`);
    console.error(`audit: ${problems.length} problem(s) in ${checked} locked packages`);
    process.exit(1);
  }
  console.log(`audit: ${checked} locked packages: licenses in the allow-list, install scripts allowed, versions and integrity as locked`);
}
