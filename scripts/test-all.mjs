#!/usr/bin/env node
// `npm test`: every suite the project has, one after another, then one closing line
// "N passed, N failed" over all of them. Exits non-zero if any suite failed.
//   1. unit + integration tests (Node's runner, real SQLite, real mediasoup worker)
//   2. mediasoup's own Node test suite against the worker we built
//   3. production build + Playwright end-to-end tests in Debian's Chromium
// TEST_ONLY=unit,mediasoup,e2e picks suites.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
process.chdir(root);
const only = (process.env.TEST_ONLY ?? "unit,mediasoup,e2e").split(",");
const bin = (name) => path.join(root, "node_modules", ".bin", name);

/** Runs a command, streaming its output, and returns {code, output}. */
function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    console.log(`\n$ ${[cmd, ...args].join(" ")}`);
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    for (const stream of [child.stdout, child.stderr]) {
      stream.on("data", (chunk) => {
        output += chunk;
        (stream === child.stdout ? process.stdout : process.stderr).write(chunk);
      });
    }
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

const num = (re, text) => {
  const all = [...text.matchAll(re)];
  return all.length ? Number(all[all.length - 1][1]) : 0;
};

// Each parser reads the runner's own summary, so the totals are the runners' counts.
const suites = {
  async unit() {
    const dir = path.join(root, "test", "unit");
    const files = readdirSync(dir).filter((f) => f.endsWith(".test.ts")).sort().map((f) => path.join("test/unit", f));
    // The database tests also run against a throwaway PostgreSQL cluster when Debian's
    // postgresql package is there (TEST_POSTGRES=0 turns that off).
    const hasPostgres = existsSync("/usr/lib/postgresql") && readdirSync("/usr/lib/postgresql").length > 0;
    const env = { TEST_POSTGRES: process.env.TEST_POSTGRES ?? (hasPostgres ? "1" : "0") };
    console.log(`[test] PostgreSQL database tests: ${env.TEST_POSTGRES === "1" ? "on" : "off (apt-get install postgresql)"}`);
    const { code, output } = await run(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=1", ...files], env);
    return { code, passed: num(/^[ℹ#] pass (\d+)/gm, output), failed: num(/^[ℹ#] fail (\d+)/gm, output) };
  },
  async mediasoup() {
    const { code, output } = await run(process.execPath, ["scripts/mediasoup-suite.mjs"]);
    return { code, passed: num(/Tests:.*?(\d+) passed/g, output), failed: num(/Tests:.*?(\d+) failed/g, output) };
  },
  async e2e() {
    ensureChromium();
    const build = await run(bin("next"), ["build"], { NEXT_TELEMETRY_DISABLED: "1" });
    if (build.code !== 0) return { code: build.code, passed: 0, failed: 1 };
    const { code, output } = await run(bin("playwright"), ["test"]);
    return { code, passed: num(/^\s*(\d+) passed/gm, output), failed: num(/^\s*(\d+) failed/gm, output) };
  },
};

/** Debian's Chromium drives the browser tests (browsers cannot be downloaded here). */
function ensureChromium() {
  if (existsSync("/usr/bin/chromium")) return;
  if (process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
    console.log("[test] installing Debian's chromium (apt-get)…");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    spawnSync("apt-get", ["update"], { stdio: "inherit", env });
    spawnSync("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], { stdio: "inherit", env });
  }
  if (!existsSync("/usr/bin/chromium")) {
    console.error("[test] /usr/bin/chromium is missing: run `apt-get install chromium` first.");
    process.exit(1);
  }
}

let passed = 0;
let failed = 0;
const lines = [];
for (const name of only) {
  if (!suites[name]) {
    console.error(`unknown suite ${name}`);
    process.exit(2);
  }
  const started = Date.now();
  const result = await suites[name]();
  // A runner that exits non-zero counts as a failure even if its summary did not say so.
  const suiteFailed = result.code !== 0 ? Math.max(result.failed, 1) : result.failed;
  passed += result.passed;
  failed += suiteFailed;
  lines.push(`${name}: ${result.passed} passed, ${suiteFailed} failed (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}
console.log("\n== summary ==");
for (const line of lines) console.log(line);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
