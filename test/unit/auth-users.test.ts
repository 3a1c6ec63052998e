// Sign-up / credential checks / roles (lib/auth/users.ts) and the persisted secret.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freshDb, type TestDb } from "./db-helper";
import { adminEmails, signUpWithPassword, verifyPassword } from "@/lib/auth/users";
import { oauthSignIn } from "@/lib/auth/oauth-link";
import { signUpSchema } from "@/lib/auth/schemas";
import { loadOrCreateSecretFile } from "@/lib/auth/secret";
import { setUserRole } from "@/lib/admin/users";

const dbs: TestDb[] = [];
async function db() {
  const t = await freshDb();
  dbs.push(t);
  return t.db;
}
after(async () => {
  for (const t of dbs) await t.dispose();
});
const noEnv = {} as unknown as NodeJS.ProcessEnv;

test("first account becomes ADMIN, later ones USER; email is normalised and unique", async () => {
  const d = await db();
  const a = await signUpWithPassword(d, signUpSchema.parse({ name: "Ann", email: "Ann@Example.com", password: "password1" }), noEnv);
  assert.ok(a.ok && a.user.role === "ADMIN" && a.user.email === "ann@example.com");
  const b = await signUpWithPassword(d, signUpSchema.parse({ name: "Bob", email: "bob@example.com", password: "password2" }), noEnv);
  assert.ok(b.ok && b.user.role === "USER");
  const dup = await signUpWithPassword(d, signUpSchema.parse({ name: "Ann 2", email: " ANN@example.com", password: "password3" }), noEnv);
  assert.ok(!dup.ok && dup.field === "email" && /already exists/.test(dup.error));
  const row = await d.user.findUniqueOrThrow({ where: { email: "ann@example.com" } });
  assert.ok(row.passwordHash && row.passwordHash.startsWith("$2") && !row.passwordHash.includes("password1"));
  assert.match(row.passwordHash!, /^\$2[aby]\$1[0-2]\$/, "bcrypt cost 10-12");
});

test("concurrent sign-ups on an empty database produce exactly one admin", async () => {
  const d = await db();
  const results = await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      signUpWithPassword(d, { name: `U${i}`, email: `u${i}@example.com`, password: "password!" }, noEnv),
    ),
  );
  assert.ok(results.every((r) => r.ok));
  assert.equal(await d.user.count({ where: { role: "ADMIN" } }), 1);
  assert.equal(await d.user.count(), 6);
});

test("ADMIN_EMAILS promotes listed addresses only once they are verified", async () => {
  const env = { ADMIN_EMAILS: "Boss@Example.com, other@example.com" } as unknown as NodeJS.ProcessEnv;
  assert.deepEqual([...adminEmails(env)], ["boss@example.com", "other@example.com"]);
  const d = await db();
  await signUpWithPassword(d, { name: "First", email: "first@example.com", password: "password!" }, env);
  const boss = await signUpWithPassword(d, { name: "Boss", email: "boss@example.com", password: "password!" }, env);
  assert.ok(boss.ok && boss.user.role === "USER", "a typed address is not proof of ownership");
  // An OAuth provider that vouches for the address: verified, so admin.
  const oauth = await oauthSignIn(d, { provider: "github", providerAccountId: "1", email: "OTHER@example.com", emailVerified: true, name: "O" }, env);
  assert.ok(oauth.ok && oauth.user.role === "ADMIN");
  const plain = await oauthSignIn(d, { provider: "github", providerAccountId: "2", email: "plain@example.com", emailVerified: true }, env);
  assert.ok(plain.ok && plain.user.role === "USER");
  // Again: same row, through the stored link.
  const again = await oauthSignIn(d, { provider: "github", providerAccountId: "2", email: "plain@example.com", emailVerified: true }, env);
  assert.ok(again.ok && again.user.id === plain.user.id && again.linked === "existing-link");
});

test("verifyPassword accepts the right password only", async () => {
  const d = await db();
  await signUpWithPassword(d, { name: "Ann", email: "ann@example.com", password: "correct horse" }, noEnv);
  assert.equal((await verifyPassword(d, "ANN@example.com", "correct horse"))?.email, "ann@example.com");
  assert.equal(await verifyPassword(d, "ann@example.com", "wrong horse"), null);
  assert.equal(await verifyPassword(d, "nobody@example.com", "correct horse"), null);
  // OAuth-only accounts have no password.
  await oauthSignIn(d, { provider: "google", providerAccountId: "g1", email: "oauth@example.com", emailVerified: true }, noEnv);
  assert.equal(await verifyPassword(d, "oauth@example.com", ""), null);
});

test("sign-up validation", () => {
  assert.equal(signUpSchema.safeParse({ name: "A", email: "a@example.com", password: "short" }).success, false);
  assert.equal(signUpSchema.safeParse({ name: "A", email: "not-an-email", password: "longenough" }).success, false);
  assert.equal(signUpSchema.safeParse({ name: " ", email: "a@example.com", password: "longenough" }).success, false);
  assert.equal(signUpSchema.safeParse({ name: "A", email: "a@example.com", password: "é".repeat(37) }).success, false, ">72 bytes");
  assert.equal(signUpSchema.safeParse({ name: "A", email: "a@example.com", password: "12345678" }).success, true);
});

test("the last admin cannot be demoted", async () => {
  const d = await db();
  const a = await signUpWithPassword(d, { name: "A", email: "a@example.com", password: "password!" }, noEnv);
  const b = await signUpWithPassword(d, { name: "B", email: "b@example.com", password: "password!" }, noEnv);
  assert.ok(a.ok && b.ok);
  const self = await setUserRole(d, a.user.id, a.user.id, "USER");
  assert.ok(!self.ok && /last admin/.test(self.error));
  assert.ok((await setUserRole(d, a.user.id, b.user.id, "ADMIN")).ok);
  assert.ok((await setUserRole(d, a.user.id, a.user.id, "USER")).ok, "fine once another admin exists");
  const last = await setUserRole(d, b.user.id, b.user.id, "USER");
  assert.ok(!last.ok);
  assert.equal(await d.user.count({ where: { role: "ADMIN" } }), 1);
});

test("the generated secret is persisted once and reused", () => {
  const dir = mkdtempSync(join(tmpdir(), "meet-secret-"));
  try {
    const file = join(dir, "nested", "secret");
    const s1 = loadOrCreateSecretFile(file);
    assert.ok(s1.length >= 32);
    assert.equal(loadOrCreateSecretFile(file), s1);
    assert.equal(readFileSync(file, "utf8").trim(), s1);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
