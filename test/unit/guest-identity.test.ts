// A guest's participantKey survives a rejoin (signed cookie), and cannot be forged.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cookieValue, guestKeyFromCookie, guestSetCookie, newGuestIdentity } from "@/lib/rooms/guest-identity";

const SECRET = "guest-identity-test-secret-0123456789abcdef";

test("a cookie round-trips to the same key; tampered or foreign cookies are ignored", () => {
  const { key, cookie } = newGuestIdentity(SECRET);
  assert.match(key, /^guest:[A-Za-z0-9_-]{16}$/);
  assert.equal(guestKeyFromCookie(cookie, SECRET), key);
  const other = newGuestIdentity(SECRET);
  assert.notEqual(other.key, key);
  const forged = `${other.key}.${cookie.split(".")[1]}`; // someone else's key with my signature
  assert.equal(guestKeyFromCookie(forged, SECRET), null);
  assert.equal(guestKeyFromCookie(cookie, "another-secret-0123456789abcdef0123"), null);
  for (const bad of [undefined, null, "", "guest:x.y", "x".repeat(500)]) assert.equal(guestKeyFromCookie(bad, SECRET), null);
});

test("the cookie header is parsed and the Set-Cookie is HttpOnly, scoped to the join-token route", () => {
  const { cookie } = newGuestIdentity(SECRET);
  const header = guestSetCookie(cookie, true);
  assert.match(header, /^meet_guest=[^;]+; Path=\/api\/rooms; Max-Age=\d+; HttpOnly; SameSite=Lax; Secure$/);
  const sent = `a=1; meet_guest=${encodeURIComponent(cookie)}; b=2`;
  assert.equal(cookieValue(sent), cookie);
  assert.equal(cookieValue("a=1"), null);
  assert.doesNotMatch(guestSetCookie(cookie, false), /Secure/);
});
