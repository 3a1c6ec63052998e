// Join-token revocation (lib/rooms/token-validity.ts) and the signaling server's database
// gate (server/rooms/db-meeting-gate.ts) on a real SQLite database: cancelling, ending for
// everyone and regenerating the invite link refuse the tokens issued before.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { freshDb, type TestDb } from "./db-helper";
import { resolveJoinAccess, type JoinUser } from "@/lib/rooms/join-access";
import { cancelMeeting, createMeeting, regenerateInviteToken } from "@/lib/meetings/service";
import { checkTokenAgainstMeeting, inviteFingerprint } from "@/lib/rooms/token-validity";
import type { JoinTokenClaims } from "@/lib/auth/join-token";
import { createDbMeetingGate } from "@/server/rooms/db-meeting-gate";

let t: TestDb;
let host: JoinUser;

const meetingData = (extra: { waitingRoom?: boolean; joinBeforeHost?: boolean } = {}) => ({
  title: "Planning",
  description: "",
  startsAt: new Date("2031-03-04T09:30:00Z"),
  timeZone: "Europe/Paris",
  durationMinutes: 30,
  requireSignIn: false,
  ...extra,
});

before(async () => {
  t = await freshDb();
  host = await t.db.user.create({ data: { email: "host@example.com", name: "Hana" }, select: { id: true, name: true, email: true } });
});
after(async () => t?.dispose());

async function claimsFor(roomId: string, user: JoinUser | null, inviteToken?: string): Promise<JoinTokenClaims> {
  const r = await resolveJoinAccess(t.db, { roomId, user, body: { inviteToken, displayName: "Gus" } });
  assert.ok(r.ok, JSON.stringify(r));
  return r.ok ? r.claims : (undefined as never);
}

test("pure rules: status, epoch, invite fingerprint", () => {
  const meeting = { status: "scheduled" as "scheduled" | "cancelled", tokenEpoch: 2, inviteToken: "invite-a".repeat(4) };
  const inv = inviteFingerprint(meeting.inviteToken);
  assert.notEqual(inv, inviteFingerprint("invite-b".repeat(4)));
  assert.ok(!inv.includes("invite"), "the fingerprint does not reveal the invite");
  assert.deepEqual(checkTokenAgainstMeeting(meeting, { host: false, ep: 2, inv }), { ok: true });
  assert.deepEqual(checkTokenAgainstMeeting(meeting, { host: true, ep: 2 }), { ok: true });
  const refused = (claims: Parameters<typeof checkTokenAgainstMeeting>[1], m: typeof meeting | null = meeting) => {
    const r = checkTokenAgainstMeeting(m, claims);
    return r.ok ? "ok" : r.reason;
  };
  assert.equal(refused({ host: false, ep: 1, inv }), "ended");
  assert.equal(refused({ host: true }), "ended", "no epoch = epoch 0");
  assert.equal(refused({ host: false, ep: 2, inv: "other" }), "invite_changed");
  assert.equal(refused({ host: false, ep: 2 }), "invite_changed", "invite-based tokens must carry a fingerprint");
  assert.equal(refused({ host: true, ep: 2 }, { ...meeting, status: "cancelled" }), "cancelled");
  assert.equal(refused({ host: true, ep: 2 }, null), "not_found");
});

test("the gate returns the meeting's room settings", async () => {
  const gate = createDbMeetingGate(t.db);
  const m = await createMeeting(t.db, host.id, meetingData({ waitingRoom: true, joinBeforeHost: false }));
  const r = await gate.check(await claimsFor(m.id, null, m.inviteToken));
  assert.deepEqual(r, { ok: true, settings: { waitingRoom: true, joinBeforeHost: false, startsAt: "2031-03-04T09:30:00.000Z" } });
  const plain = await createMeeting(t.db, host.id, meetingData());
  const p = await gate.check(await claimsFor(plain.id, host));
  assert.ok(p.ok && p.settings && !p.settings.waitingRoom && p.settings.joinBeforeHost, "defaults: no waiting room, guests before the host");
});

test("regenerating the invite refuses tokens issued through the old link (the host's stay good)", async () => {
  const gate = createDbMeetingGate(t.db);
  const m = await createMeeting(t.db, host.id, meetingData());
  const guest = await claimsFor(m.id, null, m.inviteToken);
  const hostClaims = await claimsFor(m.id, host);
  assert.ok((await gate.check(guest)).ok);
  const fresh = await regenerateInviteToken(t.db, host.id, m.id);
  const old = await gate.check(guest);
  assert.ok(!old.ok && old.code === "UNAUTHORIZED" && /invite link/.test(old.message));
  assert.ok((await gate.check(hostClaims)).ok);
  assert.ok((await gate.check(await claimsFor(m.id, null, fresh!))).ok, "a token through the new link works");
});

test("ending for everyone refuses every earlier token; new ones work", async () => {
  const gate = createDbMeetingGate(t.db);
  const m = await createMeeting(t.db, host.id, meetingData());
  const guest = await claimsFor(m.id, null, m.inviteToken);
  const hostClaims = await claimsFor(m.id, host);
  await gate.endMeeting(m.id, "Hana ended the meeting for everyone");
  for (const c of [guest, hostClaims]) {
    const r = await gate.check(c);
    assert.ok(!r.ok && r.code === "UNAUTHORIZED", JSON.stringify(r));
  }
  const again = await claimsFor(m.id, host);
  assert.equal(again.ep, 1);
  assert.ok((await gate.check(again)).ok);
});

test("cancelling refuses every token, including the host's", async () => {
  const gate = createDbMeetingGate(t.db);
  const m = await createMeeting(t.db, host.id, meetingData());
  const guest = await claimsFor(m.id, null, m.inviteToken);
  const hostClaims = await claimsFor(m.id, host);
  assert.equal(await cancelMeeting(t.db, host.id, m.id), true);
  for (const c of [guest, hostClaims]) {
    const r = await gate.check(c);
    assert.ok(!r.ok && /cancelled|before the meeting was ended/.test(r.message), JSON.stringify(r));
  }
  // a token without a meeting (an admin's stream): nothing to check, no settings to apply
  assert.deepEqual(await gate.check({ room: m.id, sub: "ingest:x", name: "s", host: false, guest: false, ingest: true }), { ok: true, settings: null });
  // a token of a meeting that no longer exists
  const r = await gate.check({ ...hostClaims, mid: "gone-meeting" });
  assert.ok(!r.ok);
});
