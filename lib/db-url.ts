// Which database the app uses, from DATABASE_URL. Shared by prisma.config.ts (the CLI),
// lib/db.ts (the runtime client) and server/db-migrate.ts. No imports: the Prisma CLI
// loads this file through its own TypeScript loader.
//
//   unset / file:./path.db     -> embedded SQLite (default file:./data/meet.db, relative to
//                                 the working directory = the repo root)
//   postgres:// | postgresql:// -> PostgreSQL

export const DEFAULT_DATABASE_URL = "file:./data/meet.db";

export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const url = env.DATABASE_URL?.trim();
  return url ? url : DEFAULT_DATABASE_URL;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** The SQLite file path of a `file:` URL (relative paths stay relative to the cwd). */
export function sqliteFilePath(url: string): string {
  return url.replace(/^file:/, "").replace(/\?.*$/, "");
}
