// Playwright e2e config: Debian's Chromium with a fake camera/mic/screen, one production app
// server for the whole run (fresh SQLite, free port), one worker (2 cores: media tests must
// not run in parallel). `npm test` runs `next build` first; when run alone
// (`npx playwright test`) the webServer command builds if .next/ has no build. The server
// migrates the fresh SQLite file itself on start.
import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./e2e/fixtures/chromium";
import { appServerEnv, hasProductionBuild } from "./e2e/fixtures/server-env";

const external = process.env.E2E_BASE_URL; // test against an already running server
const server = external ? null : appServerEnv("E2E");
const baseURL = external ?? server!.baseURL;
process.env.E2E_BASE_URL_RESOLVED = baseURL;
const needsBuild = !external && !hasProductionBuild();

export default defineConfig({
  testDir: "./e2e",
  testMatch: /.*\.spec\.ts$/,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  globalTimeout: 15 * 60_000,
  globalTeardown: "./e2e/global-teardown.ts",
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL,
    headless: true,
    viewport: { width: 1280, height: 720 },
    permissions: ["camera", "microphone"],
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    // no trace screenshots: the screencast costs CPU the media tests need on 2 cores
    trace: { mode: "retain-on-failure", screenshots: false, snapshots: true },
    screenshot: "only-on-failure",
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: server
    ? {
        command: `${needsBuild ? "npx next build && " : ""}exec node --import tsx server/index.ts`,
        url: `${baseURL}/api/sfu/stats`,
        env: server.env,
        timeout: (needsBuild ? 420 : 120) * 1000,
        reuseExistingServer: false,
        stdout: process.env.E2E_SERVER_LOG ? "pipe" : "ignore",
        stderr: "pipe",
        gracefulShutdown: { signal: "SIGTERM", timeout: 5000 },
      }
    : undefined,
});
