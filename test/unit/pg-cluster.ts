// A throwaway PostgreSQL cluster for tests (TEST_POSTGRES=1) and for creating PostgreSQL
// migrations: initdb in a temp dir, postgres on 127.0.0.1:<free port>, trust auth, no
// fsync. Needs the Debian `postgresql` package (initdb/postgres in /usr/lib/postgresql/*/bin).
// Running as root, the server runs as the `postgres` system user (it refuses root).
//
// CLI: `tsx test/unit/pg-cluster.ts` starts one, prints its DATABASE_URL, and stops it on
// Ctrl-C / SIGTERM.
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { serveFromCli, spawnService } from "./service-process";

export interface PgCluster {
  /** postgresql://meet@127.0.0.1:<port>/meet */
  url: string;
  port: number;
  /** Creates another database (empty, or a copy of `template`) and returns its URL. */
  createDatabase(name: string, template?: string): Promise<string>;
  stop(): Promise<void>;
}

function pgBin(name: string): string {
  const base = "/usr/lib/postgresql";
  if (existsSync(base)) {
    const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) {
      const p = join(base, v, "bin", name);
      if (existsSync(p)) return p;
    }
  }
  return name; // hope it is on PATH
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
  const uid = id("-u");
  const gid = id("-g");
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error("running as root needs a 'postgres' system user");
  return { uid, gid };
}

export async function startPgCluster(): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), "meet-pg-"));
  const data = join(dir, "data");
  const user = postgresUser();
  if (user) chownSync(dir, user.uid, user.gid);
  const asUser = user ? { uid: user.uid, gid: user.gid } : {};
  const env = { ...process.env, LC_ALL: "C.UTF-8", LANG: "C.UTF-8" };

  const init = spawnSync(
    pgBin("initdb"),
    ["-D", data, "-U", "meet", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"],
    { ...asUser, env, cwd: dir, encoding: "utf8" },
  );
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr || init.stdout || init.error}`);
  }

  const port = await freePort();
  const { child, log, stop } = spawnService(
    pgBin("postgres"),
    ["-D", data, "-h", "127.0.0.1", "-p", String(port), "-k", dir, "-F", "-c", "full_page_writes=off", "-c", "max_connections=50"],
    { ...asUser, env, cwd: dir, dir, stopSignal: "SIGINT" }, // SIGINT: fast shutdown
  );

  const admin = (db = "postgres") => new pg.Client({ host: "127.0.0.1", port, user: "meet", database: db });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const c = admin();
    try {
      await c.connect();
      await c.end();
      break;
    } catch (e) {
      await c.end().catch(() => {});
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`postgres did not start: ${(e as Error).message}\n${log()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const createDatabase = async (name: string, template?: string) => {
    for (const n of [name, template ?? "x"]) if (!/^[a-z0-9_]+$/.test(n)) throw new Error(`bad database name ${n}`);
    const c = admin();
    await c.connect();
    try {
      await c.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`);
    } finally {
      await c.end();
    }
    return `postgresql://meet@127.0.0.1:${port}/${name}`;
  };
  const url = await createDatabase("meet");
  return { url, port, createDatabase, stop };
}

if (process.argv[1] && /pg-cluster\.ts$/.test(process.argv[1])) {
  serveFromCli(() => startPgCluster(), (c) => `DATABASE_URL=${c.url}`);
}
