// `npm run user:admin -- <email>` (scripts/user-admin.ts) against a real SQLite file.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { freshDb, type TestDb } from "./db-helper";

let t: TestDb;
before(async () => {
  t = await freshDb();
  await t.db.user.create({ data: { email: "first@example.com", role: "ADMIN" } });
  await t.db.user.create({ data: { email: "ops@example.com" } });
});
after(async () => t?.dispose());

function run(...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/user-admin.ts", ...args], {
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: t.url },
  });
}

test("makes an existing account admin; says so when it already is; refuses unknown or bad addresses", async () => {
  const r = run("OPS@example.com");
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /ops@example\.com is now an admin/);
  assert.equal((await t.db.user.findUniqueOrThrow({ where: { email: "ops@example.com" } })).role, "ADMIN");
  assert.match(run("ops@example.com").stdout, /already an admin/);
  const unknown = run("nobody@example.com");
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /no account/);
  const bad = run("not-an-address");
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /usage/);
});
