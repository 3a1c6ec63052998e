// Removes the run's temporary SQLite directory (created by fixtures/server-env.ts).
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";

export default function globalTeardown(): void {
  const dir = process.env.E2E_DB_DIR;
  if (dir && dir.startsWith(tmpdir()) && !process.env.E2E_KEEP_DB) rmSync(dir, { recursive: true, force: true });
}
