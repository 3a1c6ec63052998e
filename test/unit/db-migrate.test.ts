import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateDatabase, redactUrl } from "@/server/db-migrate";

// Each of these spawns the Prisma CLI (a few seconds): run them side by side.
describe("migrateDatabase", { concurrency: true }, () => {
  test("creates the data folder and applies the migrations", async () => {
    const dir = mkdtempSync(join(tmpdir(), "meet-migrate-"));
    try {
      const file = join(dir, "nested", "data", "meet.db");
      const { output } = await migrateDatabase({ url: `file:${file}` });
      assert.match(output, /All migrations have been successfully applied/);
      assert.ok(existsSync(file));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("fails with a clear message (bad folder, unreachable server; no password shown)", async () => {
    await assert.rejects(
      migrateDatabase({ url: "file:/etc/passwd/meet.db" }),
      /Database migration failed: cannot create the folder/,
    );
    await assert.rejects(migrateDatabase({ url: "postgresql://u:secret@127.0.0.1:1/none" }), (e: Error) => {
      assert.match(e.message, /Database migration failed \(prisma migrate deploy on postgresql:\/\/u:\*\*\*@127\.0\.0\.1:1\/none/);
      assert.match(e.message, /Can't reach database server/);
      assert.doesNotMatch(e.message, /secret/);
      return true;
    });
  });
});

test("redactUrl hides postgres passwords only", () => {
  assert.equal(redactUrl("postgres://me:pw@h:5432/db"), "postgres://me:***@h:5432/db");
  assert.equal(redactUrl("postgresql://me@h/db"), "postgresql://me@h/db");
  assert.equal(redactUrl("file:./data/meet.db"), "file:./data/meet.db");
});
