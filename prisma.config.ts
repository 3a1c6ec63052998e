// prisma.config.ts — Prisma 6.19.3 with the JS (WASM) schema engine and driver adapters, so
// the CLI never downloads Rust engine binaries (works offline). DATABASE_URL picks the
// backend (see lib/db-url.ts):
//   postgres(ql)://...          -> PostgreSQL: prisma/postgres/schema.prisma + prisma/postgres/migrations
//   anything else / unset       -> SQLite file (default file:./data/meet.db):
//                                  prisma/schema.prisma + prisma/migrations
// Always run the CLI with CHECKPOINT_DISABLE=1 (no update check over the network).
import { randomUUID } from "node:crypto";
import { loadEnvConfig } from "@next/env";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { databaseUrl, isPostgresUrl } from "./lib/db-url";

// With a config file the CLI no longer reads .env itself. Load the same files as Next and
// the server do (.env, .env.local, .env.development...); variables already set win.
loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production", { info: () => {}, error: console.error });

const url = databaseUrl();
const isPg = isPostgresUrl(url);

// ---- SQLite workaround ------------------------------------------------------------------
// The WASM engine replays each migration.sql into the (in-memory) shadow DB with
// executeRaw(), i.e. one prepared statement; better-sqlite3 rejects multi-statement
// strings. Route arg-less executeRaw() on the shadow connection through executeScript().
function sqliteFactory(url: string) {
  const factory = new PrismaBetterSQLite3({ url });
  const shadow = factory.connectToShadowDb.bind(factory);
  factory.connectToShadowDb = async () => {
    const a = await shadow();
    const exec = a.executeRaw.bind(a);
    a.executeRaw = async (q) => (q.args.length === 0 ? (await a.executeScript(q.sql), 0) : exec(q));
    return a;
  };
  return factory;
}

// ---- PostgreSQL workarounds (adapter-pg 6.19.3) -------------------------------------------
// 1. Catalog queries return `name` (oid 19) / `"char"` (oid 18) columns that the adapter
//    cannot map ("Column type 'name' could not be deserialized", prisma/orm#27403): they
//    arrive as strings, so relabel them as text (oid 25).
// 2. executeScript() splits on ';' (breaks $$-quoted function bodies, string literals);
//    send the whole script in one simple-protocol query, as the Rust engine does.
// 3. connectToShadowDb() builds the shadow pool as {...config, database}, which a
//    connectionString overrides (replay hits the real DB), and drops the shadow DB before
//    closing its pool ("database ... is being accessed by other users"). Replace it.
// These patches only affect the CLI process (this file is not loaded by the app).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function patchPg(adapter: any) {
  const queryable = Object.getPrototypeOf(Object.getPrototypeOf(adapter)); // PgQueryable.prototype
  if (!queryable.__offlinePatched) {
    const performIO = queryable.performIO;
    queryable.performIO = async function (this: unknown, q: unknown) {
      const res = await performIO.call(this, q);
      for (const f of res?.fields ?? []) if (f.dataTypeID === 19 || f.dataTypeID === 18) f.dataTypeID = 25;
      return res;
    };
    const pgAdapter = Object.getPrototypeOf(adapter); // PrismaPgAdapter.prototype
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    pgAdapter.executeScript = async function (this: any, script: string) {
      try {
        await this.client.query(script);
      } catch (e) {
        this.onError(e);
      }
    };
    queryable.__offlinePatched = true;
  }
  return adapter;
}

function pgConfig(url: string) {
  const u = new URL(url);
  const sslmode = u.searchParams.get("sslmode");
  return {
    host: decodeURIComponent(u.hostname),
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)),
    ...(sslmode && sslmode !== "disable" ? { ssl: { rejectUnauthorized: sslmode === "verify-full" } } : {}),
  };
}

function pgFactory(url: string) {
  const cfg = pgConfig(url);
  const factory = new PrismaPg(cfg);
  const connect = factory.connect.bind(factory);
  factory.connect = async () => patchPg(await connect());
  factory.connectToShadowDb = async () => {
    const main = await factory.connect();
    const name = `prisma_migrate_shadow_db_${randomUUID()}`;
    await main.executeScript(`CREATE DATABASE "${name}"`);
    const shadow = patchPg(await new PrismaPg({ ...cfg, database: name }).connect());
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose(); // closes the shadow pool first
      await main.executeScript(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await main.dispose();
    };
    return shadow;
  };
  return factory;
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: isPg ? "prisma/postgres/schema.prisma" : "prisma/schema.prisma",
  migrations: { path: isPg ? "prisma/postgres/migrations" : "prisma/migrations" },
  async adapter() {
    return isPg ? pgFactory(url) : sqliteFactory(url);
  },
});
