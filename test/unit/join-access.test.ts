// Access rules of POST /api/rooms/[roomId]/join-token (lib/rooms/join-access.ts) on a real
// SQLite database.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { freshDb, type TestDb } from "./db-helper";
import { resolveJoinAccess, type JoinUser } from "@/lib/rooms/join-access";
import { createMeeting, cancelMeeting, regenerateInviteToken } from "@/lib/meetings/service";
import { signJoinToken, verifyJoinToken } from "@/lib/auth/join-token";
import { inviteFingerprint } from "@/lib/rooms/token-validity";

let t: TestDb;
let host: JoinUser;
let other: JoinUser;

const meetingData = (requireSignIn = false) => ({
  title: "Standup",
  description: "",
  startsAt: new Date(Date.now() + 3_600_000),
  timeZone: "Europe/Paris",
  durationMinutes: 30,
  requireSignIn,
});

before(async () => {
  t = await freshDb();
  host = await t.db.user.create({ data: { email: "host@example.com", name: "Hana Host" }, select: { id: true, name: true, email: true } });
  other = await t.db.user.create({ data: { email: "olga@example.com", name: null }, select: { id: true, name: true, email: true } });
});
after(async () => t?.dispose());

test("unknown meeting -> 404 (also for malformed room ids)", async () => {
  for (const roomId of ["doesnotexist", "../etc", ""]) {
    const r = await resolveJoinAccess(t.db, { roomId, user: host, body: {} });
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.status, 404, roomId);
  }
});

test("host gets a host token without an invite", async () => {
  const m = await createMeeting(t.db, host.id, meetingData());
  const r = await resolveJoinAccess(t.db, { roomId: m.id, user: host, body: {} });
  assert.ok(r.ok);
  if (!r.ok) return;
  // ep: the meeting's token epoch; no invite fingerprint (the host needs no invite)
  assert.deepEqual(r.claims, { room: m.id, mid: m.id, ep: 0, sub: host.id, uid: host.id, name: "Hana Host", host: true, guest: false });
  // The claims sign and verify for that room.
  const { token } = await signJoinToken(r.claims, { secret: "s".repeat(32) });
  const v = await verifyJoinToken(token, m.id, { secret: "s".repeat(32) });
  assert.ok(v.ok);
  assert.deepEqual(v.ok && v.claims, r.claims);
});

test("signed-in non-host needs the current invite token", async () => {
  const m = await createMeeting(t.db, host.id, meetingData(true));
  const none = await resolveJoinAccess(t.db, { roomId: m.id, user: other, body: {} });
  assert.equal(none.ok, false);
  if (!none.ok) assert.equal(none.status, 403);
  const wrong = await resolveJoinAccess(t.db, { roomId: m.id, user: other, body: { inviteToken: "x".repeat(32) } });
  assert.equal(wrong.ok, false);
  if (!wrong.ok) assert.equal(wrong.status, 403);
  const ok = await resolveJoinAccess(t.db, { roomId: m.id, user: other, body: { inviteToken: m.inviteToken, displayName: " Olga " } });
  assert.ok(ok.ok);
  if (ok.ok) {
    assert.deepEqual(ok.claims, {
      room: m.id,
      mid: m.id,
      ep: 0,
      inv: inviteFingerprint(m.inviteToken),
      sub: other.id,
      uid: other.id,
      name: "Olga",
      host: false,
      guest: false,
    });
  }
  // Without a display name the account name (or the email's local part) is used.
  const noName = await resolveJoinAccess(t.db, { roomId: m.id, user: other, body: { inviteToken: m.inviteToken } });
  assert.ok(noName.ok && noName.claims.name === "olga");
});

test("guests: allowed with the invite unless the meeting requires sign-in", async () => {
  const open = await createMeeting(t.db, host.id, meetingData(false));
  const g = await resolveJoinAccess(t.db, { roomId: open.id, user: null, body: { inviteToken: open.inviteToken, displayName: "Gus" } });
  assert.ok(g.ok);
  if (g.ok) {
    assert.equal(g.claims.guest, true);
    assert.equal(g.claims.host, false);
    assert.equal(g.claims.name, "Gus");
    assert.equal(g.claims.mid, open.id);
    assert.equal(g.claims.room, open.id);
    assert.equal(g.claims.uid, undefined);
    assert.match(g.claims.sub, /^guest:[A-Za-z0-9_-]{8,}$/);
  }
  const g2 = await resolveJoinAccess(t.db, { roomId: open.id, user: null, body: { inviteToken: open.inviteToken, displayName: "Gus" } });
  assert.ok(g.ok && g2.ok && g.claims.sub !== g2.claims.sub, "every guest gets a new participant key");
  // The pre-join screen fetches its token before the name is typed: placeholder name.
  const early = await resolveJoinAccess(t.db, { roomId: open.id, user: null, body: { inviteToken: open.inviteToken, displayName: "  " } });
  assert.ok(early.ok && early.claims.name === "Guest" && early.claims.guest);
  // No invite -> 403.
  const noInvite = await resolveJoinAccess(t.db, { roomId: open.id, user: null, body: { displayName: "Gus" } });
  assert.ok(!noInvite.ok && noInvite.status === 403);

  const closed = await createMeeting(t.db, host.id, meetingData(true));
  const denied = await resolveJoinAccess(t.db, { roomId: closed.id, user: null, body: { inviteToken: closed.inviteToken, displayName: "Gus" } });
  assert.ok(!denied.ok && denied.status === 401 && denied.code === "sign_in_required");
});

test("regenerating the invite revokes the old token", async () => {
  const m = await createMeeting(t.db, host.id, meetingData());
  const fresh = await regenerateInviteToken(t.db, host.id, m.id);
  assert.ok(fresh && fresh !== m.inviteToken);
  assert.ok(fresh!.length >= 32 && /^[A-Za-z0-9_-]+$/.test(fresh!));
  const old = await resolveJoinAccess(t.db, { roomId: m.id, user: other, body: { inviteToken: m.inviteToken } });
  assert.ok(!old.ok && old.status === 403);
  const now = await resolveJoinAccess(t.db, { roomId: m.id, user: other, body: { inviteToken: fresh } });
  assert.ok(now.ok);
  // Only the host may regenerate.
  assert.equal(await regenerateInviteToken(t.db, other.id, m.id), null);
});

test("cancelled meeting -> 410, for the host too", async () => {
  const m = await createMeeting(t.db, host.id, meetingData());
  assert.equal(await cancelMeeting(t.db, other.id, m.id), false, "only the host can cancel");
  assert.equal(await cancelMeeting(t.db, host.id, m.id), true);
  for (const user of [host, other, null]) {
    const r = await resolveJoinAccess(t.db, { roomId: m.id, user, body: { inviteToken: m.inviteToken, displayName: "X" } });
    assert.ok(!r.ok && r.status === 410, String(user?.email));
  }
});

test("malformed bodies -> 400", async () => {
  const m = await createMeeting(t.db, host.id, meetingData());
  for (const body of [{ displayName: "x".repeat(65) }, { inviteToken: 5 }, "nope", [1]]) {
    const r = await resolveJoinAccess(t.db, { roomId: m.id, user: null, body });
    assert.ok(!r.ok && r.status === 400, JSON.stringify(body));
  }
});
