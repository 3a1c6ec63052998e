import { test } from "node:test";
import assert from "node:assert/strict";
import { SignJWT } from "jose";
import {
  JOIN_TOKEN_TTL_SECONDS,
  newGuestParticipantKey,
  signJoinToken,
  verifyJoinToken,
  type JoinTokenClaims,
} from "../../lib/auth/join-token";

process.env.JOIN_TOKEN_SECRET = "unit-test-secret-0123456789abcdef";

const claims: JoinTokenClaims = { room: "room-1", sub: "user_42", name: "Ada", host: true, guest: false, uid: "user_42", mid: "m1" };

test("sign then verify round-trips the claims", async () => {
  const { token, expiresAt } = await signJoinToken(claims);
  const ttl = expiresAt.getTime() - Date.now();
  assert.ok(ttl > (JOIN_TOKEN_TTL_SECONDS - 5) * 1000 && ttl <= JOIN_TOKEN_TTL_SECONDS * 1000);
  const r = await verifyJoinToken(token, "room-1");
  assert.equal(r.ok, true);
  if (r.ok) assert.deepEqual(r.claims, claims);
});

test("guest tokens: no uid/mid, random participant key", async () => {
  const sub = newGuestParticipantKey();
  assert.match(sub, /^guest:[A-Za-z0-9_-]{16}$/);
  assert.notEqual(sub, newGuestParticipantKey());
  const { token } = await signJoinToken({ room: "r", sub, name: "Guest", host: false, guest: true });
  const r = await verifyJoinToken(token, "r");
  assert.ok(r.ok);
  if (r.ok) {
    assert.equal(r.claims.uid, undefined);
    assert.equal(r.claims.mid, undefined);
    assert.equal(r.claims.guest, true);
  }
});

test("wrong room", async () => {
  const { token } = await signJoinToken(claims);
  const r = await verifyJoinToken(token, "room-2");
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.code, "wrong_room");
});

test("expired", async () => {
  const { token } = await signJoinToken(claims, { now: new Date(Date.now() - 11 * 60_000) });
  const r = await verifyJoinToken(token, "room-1");
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.code, "expired");
});

test("tampered payload / signature / other secret / garbage", async () => {
  const { token } = await signJoinToken(claims);
  const [h, p, s] = token.split(".");
  const payload = JSON.parse(Buffer.from(p, "base64url").toString());
  payload.room = "other";
  const forged = [h, Buffer.from(JSON.stringify(payload)).toString("base64url"), s].join(".");
  for (const bad of [
    forged,
    `${h}.${p}.${s.slice(0, -2)}AA`,
    (await signJoinToken(claims, { secret: "another-secret-0123456789" })).token,
    "not-a-jwt-at-all",
    "",
  ]) {
    const r = await verifyJoinToken(bad, "room-1");
    assert.equal(r.ok, false, bad);
    if (!r.ok) assert.equal(r.error.code, "invalid");
  }
});

test("alg none and wrong audience are refused", async () => {
  const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${Buffer.from(
    JSON.stringify({ room: "room-1", sub: "x", name: "x", host: true, guest: false, exp: 9999999999 }),
  ).toString("base64url")}.`;
  const r1 = await verifyJoinToken(none, "room-1");
  assert.equal(r1.ok, false);
  const key = new TextEncoder().encode(process.env.JOIN_TOKEN_SECRET);
  const otherAud = await new SignJWT({ room: "room-1", name: "x", host: true, guest: false })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject("x")
    .setIssuer("meet")
    .setAudience("something-else")
    .setExpirationTime("5m")
    .sign(key);
  const r2 = await verifyJoinToken(otherAud, "room-1");
  assert.equal(r2.ok, false);
  // correct signature but malformed claims
  const malformed = await new SignJWT({ room: "room-1", name: "x", host: "yes", guest: false })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject("x")
    .setIssuer("meet")
    .setAudience("meet-join")
    .setExpirationTime("5m")
    .sign(key);
  const r3 = await verifyJoinToken(malformed, "room-1");
  assert.equal(r3.ok, false);
  if (!r3.ok) assert.equal(r3.error.code, "invalid");
});

test("secret falls back to NEXTAUTH_SECRET and is read at call time", async () => {
  const saved = process.env.JOIN_TOKEN_SECRET;
  try {
    delete process.env.JOIN_TOKEN_SECRET;
    process.env.NEXTAUTH_SECRET = "nextauth-secret-0123456789";
    const { token } = await signJoinToken(claims);
    assert.ok((await verifyJoinToken(token, "room-1")).ok);
    delete process.env.NEXTAUTH_SECRET;
    const r = await verifyJoinToken(token, "room-1");
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.code, "no_secret");
    await assert.rejects(signJoinToken(claims), /JOIN_TOKEN_SECRET/);
  } finally {
    process.env.JOIN_TOKEN_SECRET = saved;
    delete process.env.NEXTAUTH_SECRET;
  }
});
