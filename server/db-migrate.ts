// Applies pending Prisma migrations at server start (`prisma migrate deploy` through the
// project's own CLI, offline: JS/WASM schema engine, no update check). Idempotent and fast
// when nothing is pending. Also used by the tests to build their SQLite files.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { loadEnvConfig } from "@next/env";
import { databaseUrl, isPostgresUrl, sqliteFilePath } from "@/lib/db-url";

export interface MigrateOptions {
  /** Defaults to DATABASE_URL (or file:./data/meet.db). */
  url?: string;
  /** The repo root (where prisma.config.ts is). Defaults to the working directory. */
  cwd?: string;
  /** Give up after this long (default 120 s). */
  timeoutMs?: number;
}

export interface MigrateResult {
  url: string;
  output: string;
}

/** Hides the password of a postgres:// URL for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*:)[^@]*@/i, "$1***@");
}

export async function migrateDatabase(options: MigrateOptions = {}): Promise<MigrateResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const url = options.url ?? databaseUrl();
  const cli = join(cwd, "node_modules", ".bin", process.platform === "win32" ? "prisma.cmd" : "prisma");
  if (!existsSync(cli)) {
    throw new Error(`Database migration failed: Prisma CLI not found at ${cli} (run npm install).`);
  }
  if (!isPostgresUrl(url)) {
    const file = sqliteFilePath(url);
    const folder = dirname(resolve(cwd, file));
    try {
      if (file !== ":memory:") mkdirSync(folder, { recursive: true });
    } catch (e) {
      throw new Error(
        `Database migration failed: cannot create the folder ${folder} for the SQLite database ` +
          `(DATABASE_URL=${url}): ${(e as Error).message}`,
      );
    }
  }

  const timeoutMs = options.timeoutMs ?? 120_000;
  const { code, output, timedOut } = await new Promise<{ code: number | null; output: string; timedOut: boolean }>(
    (done, fail) => {
      const child = spawn(cli, ["migrate", "deploy"], {
        cwd,
        env: { ...process.env, DATABASE_URL: url, CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      let timedOut = false;
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill("SIGKILL");
      }, timeoutMs);
      child.on("error", (e) => {
        clearTimeout(timer);
        fail(e);
      });
      child.on("close", (code) => {
        clearTimeout(timer);
        done({ code, output: out, timedOut });
      });
    },
  );
  if (code !== 0) {
    const tail = output.trim().split("\n").slice(-15).join("\n");
    const why = timedOut ? `timed out after ${timeoutMs} ms` : `exit code ${code}`;
    throw new Error(
      `Database migration failed (prisma migrate deploy on ${redactUrl(url)}, ${why}).\n` +
        `Check DATABASE_URL and that the database is reachable and writable.\n${tail}`,
    );
  }
  return { url, output };
}

let once: Promise<MigrateResult> | undefined;

/**
 * migrateDatabase() for DATABASE_URL, at most once per process (later calls share the first
 * result). server/index.ts calls this before Next starts; the history observer calls it too.
 */
export function ensureDatabaseMigrated(): Promise<MigrateResult> {
  once ??= migrateDatabase().catch((e: unknown) => {
    once = undefined; // let a later call retry
    throw e;
  });
  return once;
}

// `tsx server/db-migrate.ts` (npm run db:migrate): apply migrations and exit.
const invokedDirectly = process.argv[1] && /db-migrate\.ts$/.test(process.argv[1]);
if (invokedDirectly) {
  // the same .env files as the server (server/env.ts) and the Prisma CLI config
  loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production", { info: () => {}, error: console.error });
  migrateDatabase().then(
    (r) => {
      process.stdout.write(r.output);
      console.log(`database ready: ${redactUrl(r.url)}`);
    },
    (e: Error) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
