// Mail (SMTP to a real in-process server, and the outbox), verification links, ADMIN_EMAILS,
// password reset and OAuth linking (GitHub mocked at the HTTP boundary).
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freshDb, type TestDb } from "./db-helper";
import { linkIn, SmtpCapture } from "../../e2e/fixtures/smtp-capture";
import { consumeEmailToken, issueEmailToken, looksSigned, TOKEN_TTL_MS } from "@/lib/auth/email-tokens";
import { sendVerificationMail, verifyEmailToken } from "@/lib/auth/verification";
import { requestPasswordReset, resetPassword, RESET_PER_EMAIL, RESET_SENT_MESSAGE } from "@/lib/auth/password-reset";
import { FailureRateLimiter } from "@/lib/auth/rate-limit";
import { githubProfile, githubVerifiedEmail, oauthSignIn, OAUTH_ERROR } from "@/lib/auth/oauth-link";
import { signUpWithPassword, verifyPassword } from "@/lib/auth/users";
import { sendMail } from "@/lib/mail/mailer";
import { mailConfig } from "@/lib/mail/config";

process.env.NEXTAUTH_SECRET ??= "unit-test-secret-0123456789abcdef0123456789";
const admins = { ADMIN_EMAILS: "boss@example.com" } as unknown as NodeJS.ProcessEnv;
const ORIGIN = "http://meet.test";

let smtp: SmtpCapture;
let t: TestDb;
let outbox: string;

before(async () => {
  smtp = await SmtpCapture.start();
  outbox = mkdtempSync(join(tmpdir(), "meet-outbox-"));
});
after(async () => {
  await smtp.close();
  rmSync(outbox, { recursive: true, force: true });
  delete process.env.SMTP_URL;
});
beforeEach(async () => {
  await t?.dispose();
  t = await freshDb();
  process.env.SMTP_URL = smtp.url;
  process.env.MAIL_FROM = "Meet Test <meet@test.example>";
});
after(async () => t?.dispose());

async function user(email: string, name = "Someone") {
  const r = await signUpWithPassword(t.db, { name, email, password: "password123" }, admins);
  assert.ok(r.ok);
  return r.user;
}

test("mail config: SMTP_URL picks SMTP, else the outbox (default data/outbox); bad URLs refused", () => {
  assert.deepEqual(mailConfig({ SMTP_URL: "smtp://a:b@mail.example:587", MAIL_FROM: "x@y.z" }), { kind: "smtp", url: "smtp://a:b@mail.example:587", from: "x@y.z" });
  const def = mailConfig({});
  assert.equal(def.kind, "outbox");
  assert.ok(def.kind === "outbox" && def.dir.endsWith(join("data", "outbox")));
  assert.throws(() => mailConfig({ SMTP_URL: "http://nope" }), /SMTP_URL/);
});

test("sign-up verification mail over SMTP: the link verifies once; a second use fails", async () => {
  const u = await user("new@example.com", "Nia");
  const sent = await sendVerificationMail(t.db, u, ORIGIN);
  assert.ok(sent.ok);
  const mail = await smtp.waitFor((m) => m.to.includes("new@example.com"));
  assert.equal(mail.subject, "Confirm your email address");
  assert.match(mail.from, /meet@test\.example/);
  const link = new URL(linkIn(mail, "/verify-email?token="));
  assert.equal(link.origin, ORIGIN);
  const token = link.searchParams.get("token")!;
  assert.equal((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).emailVerified, null);
  const first = await verifyEmailToken(t.db, token, admins);
  assert.ok(first.ok);
  assert.ok((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).emailVerified);
  assert.deepEqual(await verifyEmailToken(t.db, token, admins), { ok: false, reason: "invalid" });
});

test("ADMIN_EMAILS: a password sign-up with a listed address is not admin until verified, then is", async () => {
  await user("first@example.com"); // the first account is the admin
  const boss = await user("boss@example.com", "Boss");
  assert.equal(boss.role, "USER");
  await sendVerificationMail(t.db, boss, ORIGIN);
  const token = new URL(linkIn(await smtp.waitFor((m) => m.to.includes("boss@example.com")), "/verify-email")).searchParams.get("token");
  const r = await verifyEmailToken(t.db, token, admins);
  assert.ok(r.ok && r.admin);
  assert.equal((await t.db.user.findUniqueOrThrow({ where: { id: boss.id } })).role, "ADMIN");
});

test("tokens: signed, single purpose, expire, a newer link replaces the older", async () => {
  const u = await user("tok@example.com");
  const now = new Date("2030-01-01T00:00:00Z");
  const a = await issueEmailToken(t.db, "verify", u.id, { now });
  assert.ok(looksSigned("verify", a));
  assert.equal(looksSigned("reset", a), false, "a verification token is no reset token");
  const forged = a.slice(0, -2) + (a.endsWith("AA") ? "BB" : "AA");
  assert.deepEqual(await consumeEmailToken(t.db, "verify", forged, { now }), { ok: false, reason: "invalid" });
  assert.deepEqual(await consumeEmailToken(t.db, "reset", a, { now }), { ok: false, reason: "invalid" });
  const b = await issueEmailToken(t.db, "verify", u.id, { now });
  assert.deepEqual(await consumeEmailToken(t.db, "verify", a, { now }), { ok: false, reason: "invalid" }, "replaced");
  const late = new Date(now.getTime() + TOKEN_TTL_MS.verify + 1);
  assert.deepEqual(await consumeEmailToken(t.db, "verify", b, { now: late }), { ok: false, reason: "expired" });
  const c = await issueEmailToken(t.db, "reset", u.id, { now });
  const both = await Promise.all([consumeEmailToken(t.db, "reset", c, { now }), consumeEmailToken(t.db, "reset", c, { now })]);
  assert.equal(both.filter((x) => x.ok).length, 1, "two concurrent uses: one wins");
  for (const bad of [undefined, 42, "", "x".repeat(500), "a.b"]) assert.equal(looksSigned("verify", bad), false);
});

test("password reset: same answer for unknown addresses, mail + single-use 1 h link, sessions revoked", async () => {
  const u = await user("reset@example.com");
  const limiters = { email: new FailureRateLimiter({ maxFailures: 3, windowMs: 60_000 }), ip: new FailureRateLimiter({ maxFailures: 10, windowMs: 60_000 }) };
  const known = await requestPasswordReset(t.db, "reset@example.com", "1.2.3.4", ORIGIN, limiters);
  const unknown = await requestPasswordReset(t.db, "nobody@example.com", "1.2.3.4", ORIGIN, limiters);
  assert.ok(known.ok && unknown.ok);
  assert.equal(known.message, RESET_SENT_MESSAGE);
  assert.equal(unknown.message, known.message, "identical answer");
  await Promise.all([known.mailed, unknown.mailed]);
  assert.equal(smtp.to("nobody@example.com").length, 0);
  const mail = await smtp.waitFor((m) => m.to.includes("reset@example.com") && /Reset/.test(m.subject));
  const token = new URL(linkIn(mail, "/reset-password?token=")).searchParams.get("token")!;
  const before = Date.now();
  const done = await resetPassword(t.db, token, "brand-new-password");
  assert.deepEqual(done, { ok: true, email: "reset@example.com" });
  assert.ok(await verifyPassword(t.db, "reset@example.com", "brand-new-password"));
  assert.equal(await verifyPassword(t.db, "reset@example.com", "password123"), null);
  const row = await t.db.user.findUniqueOrThrow({ where: { id: u.id } });
  assert.ok(row.emailVerified, "the reset proved the address");
  assert.ok(row.sessionsValidFrom && row.sessionsValidFrom.getTime() >= before - 1000, "older sessions void");
  const again = await resetPassword(t.db, token, "another-password");
  assert.equal(again.ok, false, "single use");
});

test("password reset requests are rate-limited per address (the same for unknown ones)", async () => {
  const limiters = { email: new FailureRateLimiter({ maxFailures: RESET_PER_EMAIL, windowMs: 60_000 }), ip: new FailureRateLimiter({ maxFailures: 100, windowMs: 60_000 }) };
  for (const email of ["known@example.com", "ghost@example.com"]) {
    if (email === "known@example.com") await user(email);
    for (let i = 0; i < RESET_PER_EMAIL; i++) assert.ok((await requestPasswordReset(t.db, email, `ip-${i}`, ORIGIN, limiters)).ok);
    const blocked = await requestPasswordReset(t.db, email, "ip-x", ORIGIN, limiters);
    assert.ok(!blocked.ok && /Too many requests/.test(blocked.error));
  }
  const ipLimited = { email: new FailureRateLimiter({ maxFailures: 100, windowMs: 60_000 }), ip: new FailureRateLimiter({ maxFailures: 2, windowMs: 60_000 }) };
  await requestPasswordReset(t.db, "a@example.com", "9.9.9.9", ORIGIN, ipLimited);
  await requestPasswordReset(t.db, "b@example.com", "9.9.9.9", ORIGIN, ipLimited);
  assert.equal((await requestPasswordReset(t.db, "c@example.com", "9.9.9.9", ORIGIN, ipLimited)).ok, false);
});

test("outbox: without SMTP_URL the mail is written as an .eml file", async () => {
  delete process.env.SMTP_URL;
  process.env.MAIL_OUTBOX_DIR = outbox;
  try {
    const logs: string[] = [];
    const r = await sendMail({ to: "box@example.com", subject: "Hello outbox", text: "see http://meet.test/x" }, (_o, msg) => logs.push(msg));
    assert.ok(r.ok && r.file);
    const files = readdirSync(outbox).filter((f) => f.endsWith(".eml"));
    assert.equal(files.length, 1);
    const eml = readFileSync(join(outbox, files[0]), "utf8");
    assert.match(eml, /^Subject: Hello outbox\r$/m);
    assert.match(eml, /^To: box@example\.com\r$/m);
    assert.ok(logs.some((l) => /outbox/.test(l)), "the log says where mails go");
  } finally {
    delete process.env.MAIL_OUTBOX_DIR;
  }
});

test("an unreachable SMTP server is reported, not thrown", async () => {
  process.env.SMTP_URL = "smtp://127.0.0.1:1";
  const r = await sendMail({ to: "x@example.com", subject: "s", text: "t" }, () => {});
  assert.equal(r.ok, false);
});

// ---- OAuth linking --------------------------------------------------------------------------

test("OAuth: refused for an unverified local account with the same address (pre-hijacking)", async () => {
  await user("first@example.com");
  const squatter = await user("victim@example.com", "Squatter"); // registered with a password, never verified
  const r = await oauthSignIn(t.db, { provider: "github", providerAccountId: "42", email: "Victim@example.com", emailVerified: true }, admins);
  assert.deepEqual(r, { ok: false, error: OAUTH_ERROR.localUnverified });
  assert.equal(await t.db.account.count(), 0, "no link was made");
  // once the local address is verified (its owner used the link), linking works
  await t.db.user.update({ where: { id: squatter.id }, data: { emailVerified: new Date() } });
  const ok = await oauthSignIn(t.db, { provider: "github", providerAccountId: "42", email: "victim@example.com", emailVerified: true }, admins);
  assert.ok(ok.ok && ok.user.id === squatter.id && ok.linked === "joined");
});

test("OAuth: refused when the provider does not vouch for the address; no email at all", async () => {
  await user("local@example.com");
  await t.db.user.update({ where: { email: "local@example.com" }, data: { emailVerified: new Date() } });
  assert.deepEqual(
    await oauthSignIn(t.db, { provider: "github", providerAccountId: "7", email: "local@example.com", emailVerified: false }),
    { ok: false, error: OAUTH_ERROR.providerUnverified },
  );
  assert.deepEqual(await oauthSignIn(t.db, { provider: "github", providerAccountId: "8", email: null, emailVerified: true }), { ok: false, error: OAUTH_ERROR.noEmail });
});

test("GitHub profile over HTTP: the verified flag comes from /user/emails", async () => {
  const seen: string[] = [];
  const emails: Record<string, unknown[]> = {
    "tok-verified": [{ email: "dev@example.com", primary: true, verified: true }],
    "tok-unverified": [{ email: "dev@example.com", primary: true, verified: false }, { email: "other@example.com", verified: true }],
  };
  const server = http.createServer((req, res) => {
    const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    seen.push(`${req.method} ${req.url}`);
    res.setHeader("content-type", "application/json");
    if (!emails[token]) return void res.writeHead(401).end("{}");
    if (req.url === "/api/v3/user") return void res.end(JSON.stringify({ id: 99, login: "dev", name: null, email: null, avatar_url: "http://x/a.png" }));
    if (req.url === "/api/v3/user/emails") return void res.end(JSON.stringify(emails[token]));
    res.writeHead(404).end("{}");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3`;
  try {
    assert.deepEqual(await githubProfile(api, "tok-verified"), { id: "99", name: "dev", email: "dev@example.com", emailVerified: true, image: "http://x/a.png" });
    const unverified = await githubProfile(api, "tok-unverified");
    assert.equal(unverified.email, "dev@example.com");
    assert.equal(unverified.emailVerified, false, "the primary address is not verified");
    await assert.rejects(githubProfile(api, "wrong"), /401/);
    assert.ok(seen.includes("GET /api/v3/user/emails"));
  } finally {
    server.close();
  }
  assert.deepEqual(githubVerifiedEmail([], "p@example.com"), { email: "p@example.com", verified: false });
});
