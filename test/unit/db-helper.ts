// Test helper: real databases, migrated with the project's own migrateDatabase()
// (prisma migrate deploy). Migrating takes a few seconds, so a template is migrated once
// and copied per test:
// - SQLite: a template file per migrations content, cached in the OS temp dir across test
//   processes, copied into a temp dir per test.
// - PostgreSQL (freshDb("postgres")): a temp cluster per test process (./pg-cluster.ts),
//   one migrated template database, CREATE DATABASE ... TEMPLATE per test; stopPg() at the end.
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPrismaClient, type Db } from "@/lib/db";
import { migrateDatabase } from "@/server/db-migrate";
import { startPgCluster, type PgCluster } from "./pg-cluster";

function migrationsHash(dir = join(process.cwd(), "prisma", "migrations")): string {
  const h = createHash("sha256");
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(name).update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest("hex").slice(0, 16);
}

let template: Promise<string> | undefined;

/** Path of a migrated, empty SQLite file to copy from. */
export function templateDb(): Promise<string> {
  template ??= (async () => {
    const file = join(tmpdir(), `meet-test-template-${migrationsHash()}.db`);
    if (existsSync(file)) return file;
    const work = mkdtempSync(join(tmpdir(), "meet-test-migrate-"));
    const tmpFile = join(work, "template.db");
    await migrateDatabase({ url: `file:${tmpFile}` });
    renameSync(tmpFile, file); // atomic: parallel test processes never see a half-built file
    rmSync(work, { recursive: true, force: true });
    return file;
  })();
  return template;
}

export interface TestDb {
  db: Db;
  url: string;
  dispose(): Promise<void>;
}

export type Backend = "sqlite" | "postgres";

/** The backends to run database tests on: SQLite, plus PostgreSQL when TEST_POSTGRES=1. */
export const testBackends: Backend[] = process.env.TEST_POSTGRES === "1" ? ["sqlite", "postgres"] : ["sqlite"];

let pgCluster: Promise<{ cluster: PgCluster; template: string }> | undefined;
let pgSeq = 0;

function pg() {
  pgCluster ??= (async () => {
    const cluster = await startPgCluster();
    const url = await cluster.createDatabase("meet_template");
    await migrateDatabase({ url });
    return { cluster, template: "meet_template" };
  })();
  return pgCluster;
}

/** Stops the PostgreSQL cluster if one was started (call in an after() hook). */
export async function stopPg(): Promise<void> {
  if (!pgCluster) return;
  const p = pgCluster;
  pgCluster = undefined;
  await (await p).cluster.stop();
}

/** A fresh migrated database of its own (SQLite file, or a PostgreSQL database). */
export async function freshDb(backend: Backend = "sqlite"): Promise<TestDb> {
  if (backend === "postgres") {
    const { cluster, template } = await pg();
    const name = `t${process.pid}_${++pgSeq}`;
    const url = await cluster.createDatabase(name, template);
    const db = createPrismaClient(url);
    return { db, url, dispose: () => db.$disconnect() }; // the cluster goes away in stopPg()
  }
  const dir = mkdtempSync(join(tmpdir(), "meet-test-db-"));
  const file = join(dir, "test.db");
  copyFileSync(await templateDb(), file);
  const url = `file:${file}`;
  const db = createPrismaClient(url);
  // Throwaway files: skip fsync (the adapter keeps one connection, so this sticks).
  await db.$queryRawUnsafe("PRAGMA journal_mode = MEMORY");
  await db.$queryRawUnsafe("PRAGMA synchronous = OFF");
  return {
    db,
    url,
    async dispose() {
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
