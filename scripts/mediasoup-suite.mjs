#!/usr/bin/env node
// Runs mediasoup's own Node test suite (shipped in the npm package as
// node_modules/mediasoup/node/lib/test/*.js) with jest against the installed
// worker (node_modules/mediasoup/worker/out/Release/mediasoup-worker, or
// MEDIASOUP_WORKER_BIN). Extra arguments are passed to jest, e.g.
//   npm run test:mediasoup -- -t 'createWorker'
// Needs the devDependencies jest, pick-port and sctp (the suite requires the
// last two). Exits with jest's exit code.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const TAG = '[mediasoup-suite]';
const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MS_DIR = path.join(PROJECT_DIR, 'node_modules', 'mediasoup');
const TEST_DIR = path.join(MS_DIR, 'node', 'lib', 'test');
const DATA_DIR = path.join(TEST_DIR, 'data');

function die(msg) {
  console.error(`${TAG} ERROR: ${msg}`);
  process.exit(1);
}

// Resolve from the project first, then from NODE_PATH entries (e.g. a scratch install).
function resolveFrom(request) {
  const bases = [PROJECT_DIR, TEST_DIR, ...(process.env.NODE_PATH || '').split(path.delimiter).filter(Boolean).map((p) => path.resolve(p, '..'))];
  for (const base of bases) {
    try {
      return createRequire(path.join(base, 'noop.js')).resolve(request);
    } catch {}
  }
  return null;
}

if (!fs.existsSync(TEST_DIR)) die(`${TEST_DIR} not found: is mediasoup installed?`);
const msVersion = JSON.parse(fs.readFileSync(path.join(MS_DIR, 'package.json'), 'utf8')).version;

// 1. The worker.
const workerBin = process.env.MEDIASOUP_WORKER_BIN
  ? path.resolve(process.env.MEDIASOUP_WORKER_BIN)
  : path.join(MS_DIR, 'worker', 'out', 'Release', 'mediasoup-worker');
const chk = spawnSync(workerBin, [], { env: {}, stdio: 'ignore', timeout: 15_000 });
if (chk.status !== 41) {
  die(`the worker ${workerBin} does not run (${chk.error ? chk.error.message : `exit ${chk.status}, expected 41`}); run: node scripts/mediasoup-worker.mjs`);
}

// 2. jest and the suite's own requirements.
const jestPkg = resolveFrom('jest/package.json');
if (!jestPkg) die('jest is not installed: add it to devDependencies (mediasoup 3.19.3 uses jest ^30.1.3)');
const jestBin = path.join(path.dirname(jestPkg), 'bin', 'jest.js');
const missing = ['pick-port', 'sctp'].filter((m) => !resolveFrom(m));
if (missing.length) die(`the mediasoup suite requires ${missing.join(', ')}: add to devDependencies`);

// 3. The DTLS cert/key pair that the npm package omits (used by test-Worker.js).
const cert = path.join(DATA_DIR, 'dtls-cert.pem');
const key = path.join(DATA_DIR, 'dtls-key.pem');
const certValid = fs.existsSync(cert) && fs.existsSync(key) &&
  spawnSync('openssl', ['x509', '-checkend', '86400', '-noout', '-in', cert], { stdio: 'ignore' }).status === 0;
if (!certValid) {
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '365',
    '-subj', '/CN=mediasoup-test', '-keyout', key, '-out', cert], { encoding: 'utf8' });
  if (r.status !== 0) die(`openssl could not generate the DTLS test pair: ${r.error?.message || r.stderr}`);
  console.log(`${TAG} generated ${path.relative(PROJECT_DIR, cert)} and dtls-key.pem`);
}

// 4. jest.
const jestVersion = JSON.parse(fs.readFileSync(jestPkg, 'utf8')).version;
const config = {
  rootDir: MS_DIR,
  roots: ['<rootDir>/node/lib/test'],
  testEnvironment: 'node',
  testRegex: 'node/lib/test/test-.*\\.js$',
  // The suite lives inside node_modules: do not ignore it.
  testPathIgnorePatterns: [],
  haste: { retainAllFiles: true },
  modulePathIgnorePatterns: ['<rootDir>/worker'],
  cacheDirectory: path.join(os.tmpdir(), 'meet-mediasoup-suite-jest-cache'),
  ...(process.env.NODE_PATH ? { modulePaths: process.env.NODE_PATH.split(path.delimiter).filter(Boolean) } : {}),
};
const args = [jestBin, '--config', JSON.stringify(config), '--runInBand', ...process.argv.slice(2)];
console.log(`${TAG} mediasoup ${msVersion} suite, jest ${jestVersion}, worker ${workerBin}`);
const t0 = Date.now();
const child = spawn(process.execPath, args, {
  cwd: PROJECT_DIR,
  stdio: 'inherit',
  env: { ...process.env, ...(process.env.MEDIASOUP_WORKER_BIN ? {} : { MEDIASOUP_WORKER_BIN: workerBin }) },
});
child.on('close', (code, signal) => {
  console.log(`${TAG} jest exited with ${code ?? signal} after ${Math.round((Date.now() - t0) / 1000)} s`);
  process.exit(code ?? 1);
});
