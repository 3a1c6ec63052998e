// The runtime database client: one PrismaClient per process, shared by Next route
// handlers/server components and the custom server (server/index.ts under tsx). Cached on
// globalThis so Next dev reloads (HMR) don't open a new connection pool each time.
//
// DATABASE_URL picks the backend (lib/db-url.ts): postgres(ql)://... -> PostgreSQL client
// (generated/prisma-pg), anything else -> SQLite file (generated/prisma, default
// file:./data/meet.db). Both clients are generated from the same models (`npm run db:generate`),
// so the SQLite client's types describe both.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "@/generated/prisma/client";
import { PrismaClient as PgClient } from "@/generated/prisma-pg/client";
import { databaseUrl, isPostgresUrl, sqliteFilePath } from "@/lib/db-url";

export type Db = SqliteClient;
export type {
  User,
  Account,
  Session,
  VerificationToken,
  Meeting,
  MeetingSession,
  Attendance,
} from "@/generated/prisma/client";
export { Prisma, Role, MeetingStatus } from "@/generated/prisma/client";
export { databaseUrl, isPostgresUrl } from "@/lib/db-url";

/** A new client for `url` (tests and scripts; app code uses the shared `prisma`). */
export function createPrismaClient(url: string = databaseUrl()): Db {
  if (isPostgresUrl(url)) {
    return new PgClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as Db;
  }
  const file = sqliteFilePath(url);
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  return new SqliteClient({ adapter: new PrismaBetterSQLite3({ url }) });
}

const globalForDb = globalThis as unknown as { __meetPrisma?: Db };

/** The process-wide client (connects lazily on the first query). */
export const prisma: Db = (globalForDb.__meetPrisma ??= createPrismaClient());
