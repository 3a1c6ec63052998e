#!/usr/bin/env node
// Provides node_modules/mediasoup/worker/out/Release/mediasoup-worker without
// relying on mediasoup's own postinstall (disabled via "allowScripts" in
// package.json, since it needs GitHub and pip). Order:
//   MEDIASOUP_WORKER_BIN (check only) -> existing binary -> cache ->
//   official prebuilt download (short timeout) -> local build from the npm
//   package's sources against Debian 12 libraries (+ libsrtp 2.5.0 with OpenSSL).
// See docs/mediasoup-worker.md. Node built-ins only.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const T0 = Date.now();
const TAG = '[mediasoup-worker]';
const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MS_DIR = path.join(PROJECT_DIR, 'node_modules', 'mediasoup');
const RELEASE_DIR = path.join(MS_DIR, 'worker', 'out', 'Release');
const TARGET_BIN = path.join(RELEASE_DIR, 'mediasoup-worker');
const PATCH_DIR = path.join(PROJECT_DIR, 'scripts', 'mediasoup');
// Applied in name order: the build against Debian's libraries, then behaviour fixes (each
// patch says why in its comments). All of them make the cache key and the install stamp.
const PATCH_FILES = fs.readdirSync(PATCH_DIR).filter((f) => f.endsWith('.patch')).sort().map((f) => path.join(PATCH_DIR, f));
/** Next to the installed binary: which version + patch set it was built from. */
const STAMP_FILE = `${TARGET_BIN}.meet-build`;
const JOBS = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
const DOWNLOAD_TIMEOUT_MS = Number(process.env.MEDIASOUP_WORKER_DOWNLOAD_TIMEOUT_MS) || 8000;

const DEBIAN_PACKAGES = [
  'libssl-dev', 'libuv1-dev', 'libabsl-dev', 'libflatbuffers-dev', 'flatbuffers-compiler',
  'libusrsctp-dev', 'libsrtp2-dev', 'pkg-config', 'ninja-build', 'meson', 'g++', 'dpkg-dev',
  'make', 'patch',
];

const elapsed = () => `${Math.round((Date.now() - T0) / 1000)} s`;
const log = (msg) => console.log(`${TAG} ${msg}`);
const warn = (msg) => console.warn(`${TAG} WARNING: ${msg}`);

class Failure extends Error {}
const fail = (msg) => { throw new Failure(msg); };

// ---------------------------------------------------------------- helpers

/** mediasoup's own check: the worker run without MEDIASOUP_VERSION exits with 41. */
function workerRuns(bin) {
  try {
    fs.accessSync(bin, fs.constants.X_OK);
  } catch {
    return { ok: false, why: 'missing or not executable' };
  }
  const r = spawnSync(bin, [], { env: {}, stdio: 'ignore', timeout: 15_000 });
  if (r.status === 41) return { ok: true };
  return { ok: false, why: r.error ? String(r.error) : `exit status ${r.status ?? r.signal}, expected 41` };
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Copies a file to dest via a temp file + rename, executable. */
function installFile(src, dest) {
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.tmp-${process.pid}`;
  fs.copyFileSync(src, tmp);
  fs.chmodSync(tmp, 0o755);
  fs.renameSync(tmp, dest);
}

/** version + a hash over every patch (name and content): a changed patch means another build. */
function buildKey(version) {
  const h = createHash('sha256');
  for (const f of PATCH_FILES) h.update(path.basename(f)).update('\0').update(fs.readFileSync(f)).update('\0');
  return `${version}-${h.digest('hex').slice(0, 12)}`;
}

function cacheDirFor(key) {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'meet', 'mediasoup-worker', key);
}

function installWorker(src, key) {
  installFile(src, TARGET_BIN);
  fs.writeFileSync(STAMP_FILE, `${key}\n`);
}

function installedKey() {
  try {
    return fs.readFileSync(STAMP_FILE, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Puts bin into cacheDir atomically (temp dir + rename). Never fatal. */
function storeInCache(cacheDir, bin, info) {
  try {
    fs.mkdirSync(path.dirname(cacheDir), { recursive: true });
    const tmp = fs.mkdtempSync(`${cacheDir}.tmp-`);
    fs.copyFileSync(bin, path.join(tmp, 'mediasoup-worker'));
    fs.chmodSync(path.join(tmp, 'mediasoup-worker'), 0o755);
    fs.chmodSync(tmp, 0o755);
    fs.writeFileSync(path.join(tmp, 'info.json'), JSON.stringify({ ...info, date: new Date().toISOString() }, null, 2) + '\n');
    fs.rmSync(cacheDir, { recursive: true, force: true });
    try {
      fs.renameSync(tmp, cacheDir);
    } catch (e) {
      fs.rmSync(tmp, { recursive: true, force: true });
      if (!fs.existsSync(path.join(cacheDir, 'mediasoup-worker'))) throw e;
    }
    log(`cached at ${cacheDir}`);
  } catch (e) {
    warn(`could not write the cache ${cacheDir}: ${e.message}`);
  }
}

/** Runs a command, appending its output to logFile; prints ninja progress every 30 s. */
function run(cmd, args, { cwd, env, logFile, label }) {
  return new Promise((resolve, reject) => {
    fs.appendFileSync(logFile, `\n$ (cd ${cwd} && ${cmd} ${args.join(' ')})\n`);
    const out = fs.openSync(logFile, 'a');
    let progress = '';
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (chunk) => {
      fs.writeSync(out, chunk);
      const steps = [...chunk.toString().matchAll(/^\[(\d+)\/(\d+)\]/gm)];
      if (steps.length) progress = `${steps.at(-1)[1]}/${steps.at(-1)[2]} ninja steps`;
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const ticker = setInterval(() => log(`  ... ${label}${progress ? `: ${progress}` : ''} (${elapsed()})`), 30_000);
    child.on('error', (e) => { clearInterval(ticker); fs.closeSync(out); reject(e); });
    child.on('close', (code, signal) => {
      clearInterval(ticker);
      fs.closeSync(out);
      if (code === 0) resolve();
      else reject(new Failure(`${label} failed (${cmd} exited with ${code ?? signal})`));
    });
  });
}

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// ---------------------------------------------------------------- prebuilt download

async function downloadPrebuilt(pkg, tmpRoot) {
  // Same URL as mediasoup's npm-scripts.mjs downloadPrebuiltWorker().
  const releaseBase = process.env.MEDIASOUP_WORKER_PREBUILT_DOWNLOAD_BASE_URL ||
    `${pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '')}/releases/download`;
  let name = `mediasoup-worker-${pkg.version}-${os.platform()}-${os.arch()}`;
  if (os.platform() === 'linux') name += `-kernel${Number(os.release().split('.')[0])}`;
  const url = `${releaseBase}/${pkg.version}/${name}.tgz`;
  log(`trying the prebuilt worker ${url} (timeout ${DOWNLOAD_TIMEOUT_MS / 1000} s)`);

  let data;
  try {
    // Short timeout until the response starts (offline machines fail fast), then a generous one for the body.
    const ctrl = new AbortController();
    let timer = setTimeout(() => ctrl.abort(new Error(`no response in ${DOWNLOAD_TIMEOUT_MS} ms`)), DOWNLOAD_TIMEOUT_MS);
    try {
      const res = await fetch(url, { signal: ctrl.signal, redirect: 'follow' });
      clearTimeout(timer);
      if (!res.ok) {
        log(`  no prebuilt worker: HTTP ${res.status} ${res.statusText}`);
        return null;
      }
      timer = setTimeout(() => ctrl.abort(new Error('download took more than 180 s')), 180_000);
      data = Buffer.from(await res.arrayBuffer());
    } finally {
      clearTimeout(timer);
    }
  } catch (e) {
    log(`  prebuilt download failed: ${e.cause?.message || e.message}`);
    return null;
  }

  const dir = fs.mkdtempSync(path.join(tmpRoot, 'prebuilt-'));
  const tgz = path.join(dir, `${name}.tgz`);
  fs.writeFileSync(tgz, data);
  const x = spawnSync('tar', ['-xzf', tgz, '-C', dir], { encoding: 'utf8' });
  const bin = path.join(dir, 'mediasoup-worker');
  if (x.status !== 0 || !fs.existsSync(bin)) {
    log(`  could not extract the prebuilt archive: ${(x.stderr || '').trim() || 'no mediasoup-worker inside'}`);
    return null;
  }
  fs.chmodSync(bin, 0o755);
  const chk = workerRuns(bin);
  if (!chk.ok) {
    log(`  the prebuilt worker does not run on this host (${chk.why})`);
    return null;
  }
  log('  prebuilt worker downloaded and runs (exit 41)');
  return bin;
}

// ---------------------------------------------------------------- local build

function missingDebianPackages() {
  return DEBIAN_PACKAGES.filter((p) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${db:Status-Abbrev}', p], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.startsWith('ii');
  });
}

function ensureDebianPackages(logFile) {
  if (!has('dpkg-query')) {
    fail('the local build needs Debian/Ubuntu (dpkg, apt). On other systems set MEDIASOUP_WORKER_BIN to a ' +
      'mediasoup-worker 3.19.3 binary, or run mediasoup\'s own build: (cd node_modules/mediasoup && node npm-scripts.mjs postinstall)');
  }
  const missing = missingDebianPackages();
  if (missing.length === 0) {
    log('  all Debian build packages are installed');
    return;
  }
  const aptCmd = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !has('apt-get')) {
    fail(`missing Debian packages: ${missing.join(' ')}\n  install them with:\n    sudo sh -c '${aptCmd}'\n  then run: npm run postinstall`);
  }
  log(`  missing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...missing]]) {
    log(`  running: apt-get ${args.join(' ')}  (output in ${logFile})`);
    const out = fs.openSync(logFile, 'a');
    const r = spawnSync('apt-get', args, { env, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    if (r.status !== 0) fail(`apt-get ${args[0]} failed (exit ${r.status}); see ${logFile}:\n${tail(logFile, 20)}`);
  }
  const still = missingDebianPackages();
  if (still.length) fail(`still missing after apt-get install: ${still.join(' ')}`);
}

/** deb entries of this machine (deb822 *.sources and one-line sources.list) -> deb-src deb822 text. */
function debSrcSources() {
  const stanzas = [];
  const dir = '/etc/apt/sources.list.d';
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.sources')).map((f) => path.join(dir, f)) : [];
  for (const f of files) {
    for (const block of fs.readFileSync(f, 'utf8').split(/\n\s*\n/)) {
      const fields = {};
      let last = null;
      for (const line of block.split('\n')) {
        if (/^\s*#/.test(line) || !line.trim()) continue;
        const m = line.match(/^([A-Za-z][\w-]*):\s*(.*)$/);
        if (m) { last = m[1].toLowerCase(); fields[last] = m[2]; } else if (last && /^\s/.test(line)) fields[last] += `\n ${line.trim()}`;
      }
      if (!fields.types?.split(/\s+/).includes('deb') || !fields.uris || !fields.suites) continue;
      if (fields.enabled?.trim() === 'no') continue;
      if (!/debian/.test(fields.uris)) continue;
      stanzas.push(['Types: deb-src', `URIs: ${fields.uris}`, `Suites: ${fields.suites}`,
        `Components: ${fields.components || 'main'}`, ...(fields['signed-by'] ? [`Signed-By: ${fields['signed-by']}`] : [])].join('\n'));
    }
  }
  const lists = ['/etc/apt/sources.list', ...(fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.list')).map((f) => path.join(dir, f)) : [])];
  for (const f of lists) {
    if (!fs.existsSync(f)) continue;
    for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
      const m = line.match(/^\s*deb\s+(\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s+(.+?)\s*$/);
      if (!m || !/debian/.test(m[2])) continue;
      const signed = m[1]?.match(/signed-by=(\S+?)\]?(\s|$)/)?.[1];
      stanzas.push(['Types: deb-src', `URIs: ${m[2]}`, `Suites: ${m[3]}`, `Components: ${m[4]}`,
        ...(signed ? [`Signed-By: ${signed}`] : [])].join('\n'));
    }
  }
  return stanzas.join('\n\n') + '\n';
}

/** Builds libsrtp 2.5.0 (Debian's source package) with OpenSSL into prefix; returns false if not possible. */
async function buildLibsrtp(buildRoot, prefix, logFile) {
  const aptDir = path.join(buildRoot, 'apt');
  const partsDir = path.join(aptDir, 'sources.list.d');
  const listsDir = path.join(aptDir, 'lists');
  const srcDir = path.join(aptDir, 'src');
  for (const d of [partsDir, path.join(listsDir, 'partial'), path.join(aptDir, 'cache', 'archives', 'partial'), srcDir]) fs.mkdirSync(d, { recursive: true });
  const sources = debSrcSources();
  if (!sources.trim()) {
    warn('no Debian "deb" entry found in /etc/apt; cannot fetch the libsrtp2 source package');
    return false;
  }
  fs.writeFileSync(path.join(partsDir, 'meet-deb-src.sources'), sources);
  const aptOpts = [
    '-o', 'Dir::Etc::SourceList=/dev/null', '-o', `Dir::Etc::SourceParts=${partsDir}`,
    '-o', `Dir::State::Lists=${listsDir}`, '-o', `Dir::Cache=${path.join(aptDir, 'cache')}`,
    // Our temp dirs are private (0700): let apt download as the current user instead of _apt.
    '-o', `APT::Sandbox::User=${os.userInfo().username}`,
  ];
  try {
    await run('apt-get', [...aptOpts, 'update'], { cwd: aptDir, logFile, label: 'apt-get update (deb-src)' });
    await run('apt-get', [...aptOpts, 'source', '--download-only', 'libsrtp2'], { cwd: srcDir, logFile, label: 'apt-get source libsrtp2' });
  } catch (e) {
    warn(`could not download Debian's libsrtp2 source package: ${e.message}`);
    return false;
  }
  const orig = fs.readdirSync(srcDir).find((f) => /^libsrtp2_.*\.orig\.tar\.(gz|xz|bz2)$/.test(f));
  if (!orig) {
    warn(`no libsrtp2_*.orig.tar.* in ${srcDir}`);
    return false;
  }
  log(`  got ${orig}`);
  const exDir = path.join(buildRoot, 'libsrtp');
  fs.mkdirSync(exDir, { recursive: true });
  const x = spawnSync('tar', ['-xf', path.join(srcDir, orig), '-C', exDir], { encoding: 'utf8' });
  if (x.status !== 0) fail(`could not extract ${orig}: ${x.stderr}`);
  const top = fs.readdirSync(exDir).find((f) => fs.existsSync(path.join(exDir, f, 'configure')));
  if (!top) fail(`no configure script in ${orig}`);
  const cwd = path.join(exDir, top);
  await run('./configure', [`--prefix=${prefix}`, '--enable-openssl', '--disable-shared', '--enable-static', 'CFLAGS=-O3 -fPIC'],
    { cwd, logFile, label: 'libsrtp configure' });
  await run('make', [`-j${JOBS}`, 'libsrtp2.a'], { cwd, logFile, label: 'libsrtp make' });
  await run('make', ['install'], { cwd, logFile, label: 'libsrtp make install' });
  const pcDir = ['lib/pkgconfig', 'lib64/pkgconfig'].map((d) => path.join(prefix, d)).find((d) => fs.existsSync(path.join(d, 'libsrtp2.pc')));
  if (!pcDir) fail(`libsrtp2.pc not found under ${prefix}`);
  return pcDir;
}

async function buildLocally(pkg, tmpRoot) {
  if (os.platform() !== 'linux') {
    fail('no prebuilt worker could be downloaded and the local build recipe is for Debian Linux only. ' +
      'Set MEDIASOUP_WORKER_BIN to a mediasoup-worker binary of the same version, or run (cd node_modules/mediasoup && node npm-scripts.mjs postinstall)');
  }
  if (!PATCH_FILES.length) fail(`no patches found in ${PATCH_DIR}`);
  if (pkg.version !== '3.19.3') warn(`the patches are for mediasoup 3.19.3, node_modules has ${pkg.version}; they may not apply`);

  const buildRoot = fs.mkdtempSync(path.join(tmpRoot, 'build-'));
  const logFile = path.join(buildRoot, 'build.log');
  fs.writeFileSync(logFile, `mediasoup-worker ${pkg.version} local build, ${new Date().toISOString()}\n`);
  log(`building mediasoup-worker ${pkg.version} from source (about 8 min on 2 cores, -j${JOBS})`);
  log(`build dir: ${buildRoot}`);
  log(`build log: ${logFile}`);

  try {
    log(`step 1/6: checking Debian build packages (${elapsed()})`);
    ensureDebianPackages(logFile);

    log(`step 2/6: copying worker sources and applying ${PATCH_FILES.map((f) => path.basename(f)).join(', ')} (${elapsed()})`);
    const workerDir = path.join(buildRoot, 'worker');
    const skip = new Set(['out', 'prebuild', 'pip_invoke', 'build'].map((d) => path.join(MS_DIR, 'worker', d)));
    fs.cpSync(path.join(MS_DIR, 'worker'), workerDir, { recursive: true, filter: (src) => !skip.has(src) });
    for (const patch of PATCH_FILES) {
      await run('patch', ['-p1', '--forward', '--batch', '-i', patch], { cwd: workerDir, logFile, label: `patch ${path.basename(patch)}` });
    }

    log(`step 3/6: building libsrtp 2.5.0 with OpenSSL from Debian's source package (${elapsed()})`);
    const prefix = path.join(buildRoot, 'prefix');
    let pcDir = false;
    try {
      pcDir = await buildLibsrtp(buildRoot, prefix, logFile);
    } catch (e) {
      warn(`libsrtp build failed: ${e.message}\n${tail(logFile, 20)}`);
    }
    if (pcDir) log(`  libsrtp (OpenSSL backend) installed in ${prefix} (${elapsed()})`);
    else warn('falling back to Debian\'s libsrtp2 (NSS backend): the worker will work, but SRTP is about 3x slower');

    const env = pcDir ? { PKG_CONFIG_PATH: [pcDir, process.env.PKG_CONFIG_PATH].filter(Boolean).join(':') } : {};
    log(`step 4/6: meson setup (${elapsed()})`);
    await run('meson', ['setup', 'build', '--buildtype=release', '-Db_ndebug=true', '--wrap-mode=nofallback'],
      { cwd: workerDir, env, logFile, label: 'meson setup' });

    log(`step 5/6: compiling flatbuffers-generator (${elapsed()})`);
    await run('meson', ['compile', '-C', 'build', '-j', String(JOBS), 'flatbuffers-generator'],
      { cwd: workerDir, env, logFile, label: 'flatbuffers-generator' });

    log(`step 6/6: compiling mediasoup-worker (the long part) (${elapsed()})`);
    await run('meson', ['compile', '-C', 'build', '-j', String(JOBS), 'mediasoup-worker'],
      { cwd: workerDir, env, logFile, label: 'mediasoup-worker' });

    const bin = path.join(workerDir, 'build', 'mediasoup-worker');
    if (!fs.existsSync(bin)) fail(`build finished but ${bin} is missing`);

    const ldd = spawnSync('ldd', [bin], { encoding: 'utf8' });
    const libs = (ldd.stdout || '').split('\n').map((l) => l.trim().split(/\s/)[0]).filter(Boolean);
    if (libs.some((l) => l.includes('not'))) warn(`ldd reports unresolved libraries:\n${ldd.stdout}`);
    if (libs.some((l) => /libsrtp2\.so/.test(l))) warn('the worker links Debian\'s shared libsrtp2 (NSS backend): SRTP is about 3x slower');
    if (libs.some((l) => /libnss3|libnspr4/.test(l))) warn('the worker links NSS');
    log(`  linked: ${libs.filter((l) => !l.startsWith('linux-vdso')).map((l) => path.basename(l)).join(' ')}`);

    const chk = workerRuns(bin);
    if (!chk.ok) fail(`the built worker does not run: ${chk.why}`);
    log(`  built worker runs (exit 41), ${(fs.statSync(bin).size / 1e6).toFixed(1)} MB (${elapsed()})`);
    return { bin, buildRoot, srtp: pcDir ? 'libsrtp 2.5.0 static, OpenSSL' : 'Debian libsrtp2 (NSS)' };
  } catch (e) {
    console.error(`${TAG} --- last lines of ${logFile} ---\n${tail(logFile)}\n${TAG} --- end of log ---`);
    console.error(`${TAG} the build dir is kept for inspection: ${buildRoot}`);
    throw e;
  }
}

// ---------------------------------------------------------------- main

async function main() {
  if (process.env.MEDIASOUP_WORKER_BIN) {
    const bin = path.resolve(process.env.MEDIASOUP_WORKER_BIN);
    const chk = workerRuns(bin);
    if (!chk.ok) fail(`MEDIASOUP_WORKER_BIN=${bin} does not run: ${chk.why}`);
    log(`MEDIASOUP_WORKER_BIN=${bin} runs (exit 41); nothing to do`);
    return;
  }
  const pkgFile = path.join(MS_DIR, 'package.json');
  if (!fs.existsSync(pkgFile)) {
    log(`mediasoup is not installed (${MS_DIR}); nothing to do`);
    return;
  }
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));

  const existing = workerRuns(TARGET_BIN);
  const key = buildKey(pkg.version);
  if (existing.ok && installedKey() === key) {
    log(`${path.relative(PROJECT_DIR, TARGET_BIN)} runs (exit 41) and is build ${key}; nothing to do`);
    return;
  }
  if (existing.ok) log(`${path.relative(PROJECT_DIR, TARGET_BIN)} runs but is not stamped as build ${key} (other patches, or installed another way); replacing it`);

  const cacheDir = cacheDirFor(key);
  const cachedBin = path.join(cacheDir, 'mediasoup-worker');
  if (fs.existsSync(cachedBin)) {
    const chk = workerRuns(cachedBin);
    if (chk.ok) {
      installWorker(cachedBin, key);
      log(`installed the cached worker ${cachedBin} (${elapsed()})`);
      return;
    }
    warn(`cached worker ${cachedBin} does not run (${chk.why}); removing it`);
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }

  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'meet-mediasoup-worker-'));
  let keepTmp = false;
  try {
    const prebuilt = await downloadPrebuilt(pkg, tmpRoot);
    if (prebuilt) {
      storeInCache(cacheDir, prebuilt, { version: pkg.version, source: 'prebuilt download' });
      installWorker(prebuilt, key);
      log(`installed the prebuilt worker (without this project's behaviour patches) at ${path.relative(PROJECT_DIR, TARGET_BIN)} (${elapsed()})`);
      return;
    }
    keepTmp = true; // keep the build dir (and its log) if the build fails
    const built = await buildLocally(pkg, tmpRoot);
    storeInCache(cacheDir, built.bin, { version: pkg.version, source: 'local build', srtp: built.srtp, patches: PATCH_FILES.map((f) => path.basename(f)) });
    installWorker(built.bin, key);
    const chk = workerRuns(TARGET_BIN);
    if (!chk.ok) fail(`installed worker does not run: ${chk.why}`);
    keepTmp = false;
    log(`done: ${path.relative(PROJECT_DIR, TARGET_BIN)} built in ${elapsed()}`);
  } finally {
    if (!keepTmp) fs.rmSync(tmpRoot, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`${TAG} ERROR: ${e instanceof Failure ? e.message : e.stack || e}`);
  console.error(`${TAG} mediasoup needs its worker binary; see docs/mediasoup-worker.md`);
  process.exit(1);
});
