// Schema constraints, checked on a real migrated SQLite database (no mocks); also on
// PostgreSQL (temp cluster) when TEST_POSTGRES=1.
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Prisma } from "@/lib/db";
import { freshDb, stopPg, templateDb, testBackends, type TestDb } from "./db-helper";

let t: TestDb;

const meetingData = (hostId: string, inviteToken: string) => ({
  title: "Weekly",
  startsAt: new Date("2030-05-01T08:00:00Z"),
  durationMinutes: 45,
  timeZone: "Europe/Paris",
  hostId,
  inviteToken,
});

async function rejectsWith(p: Promise<unknown>, code: string) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof Prisma.PrismaClientKnownRequestError, `expected a Prisma error, got ${String(e)}`);
    assert.equal(e.code, code);
    return true;
  });
}

after(stopPg);

for (const backend of testBackends) {
  describe(`schema on ${backend}`, () => {
    before(async () => {
      if (backend === "sqlite") await templateDb();
    });
    beforeEach(async () => {
      t = await freshDb(backend);
    });
    afterEach(async () => {
      await t.dispose();
    });

    test("defaults: role USER, meeting scheduled, description empty, timestamps set", async () => {
      const u = await t.db.user.create({ data: { email: "a@example.com" } });
      assert.equal(u.role, "USER");
      assert.ok(u.createdAt instanceof Date);
      const m = await t.db.meeting.create({ data: meetingData(u.id, "tok1") });
      assert.equal(m.status, "scheduled");
      assert.equal(m.description, "");
      assert.equal(m.requireSignIn, false);
      assert.deepEqual(m.startsAt, new Date("2030-05-01T08:00:00Z"));
    });

    test("email is unique", async () => {
      await t.db.user.create({ data: { email: "a@example.com" } });
      await rejectsWith(t.db.user.create({ data: { email: "a@example.com" } }), "P2002");
    });

    test("inviteToken is unique", async () => {
      const u = await t.db.user.create({ data: { email: "a@example.com" } });
      await t.db.meeting.create({ data: meetingData(u.id, "same-token") });
      await rejectsWith(t.db.meeting.create({ data: meetingData(u.id, "same-token") }), "P2002");
    });

    test("an account (provider, providerAccountId) is unique; a session token is unique", async () => {
      const u = await t.db.user.create({ data: { email: "a@example.com" } });
      const acc = { userId: u.id, type: "oauth", provider: "github", providerAccountId: "42" };
      await t.db.account.create({ data: acc });
      await rejectsWith(t.db.account.create({ data: acc }), "P2002");
      const expires = new Date(Date.now() + 3600_000);
      await t.db.session.create({ data: { userId: u.id, sessionToken: "st", expires } });
      await rejectsWith(t.db.session.create({ data: { userId: u.id, sessionToken: "st", expires } }), "P2002");
    });

    test("a meeting needs an existing host (foreign keys are enforced)", async () => {
      await rejectsWith(t.db.meeting.create({ data: meetingData("nobody", "tok") }), "P2003");
    });

    test("deleting a host cascades to meetings, sessions, attendances, accounts, sessions; other users' attendance rows keep existing", async () => {
      const host = await t.db.user.create({ data: { email: "host@example.com" } });
      const guest = await t.db.user.create({ data: { email: "guest@example.com" } });
      await t.db.account.create({ data: { userId: host.id, type: "oauth", provider: "github", providerAccountId: "1" } });
      await t.db.session.create({ data: { userId: host.id, sessionToken: "s1", expires: new Date() } });

      const hostMeeting = await t.db.meeting.create({ data: meetingData(host.id, "t-host") });
      const guestMeeting = await t.db.meeting.create({ data: meetingData(guest.id, "t-guest") });
      const s1 = await t.db.meetingSession.create({ data: { meetingId: hostMeeting.id } });
      await t.db.attendance.create({ data: { sessionId: s1.id, participantKey: "k1", displayName: "H", userId: host.id } });
      // The host attended the guest's meeting: that row survives, without the user link.
      const s2 = await t.db.meetingSession.create({ data: { meetingId: guestMeeting.id } });
      const a2 = await t.db.attendance.create({ data: { sessionId: s2.id, participantKey: "k2", displayName: "H", userId: host.id } });

      await t.db.user.delete({ where: { id: host.id } });

      assert.equal(await t.db.meeting.count({ where: { id: hostMeeting.id } }), 0);
      assert.equal(await t.db.meetingSession.count({ where: { id: s1.id } }), 0);
      assert.equal(await t.db.attendance.count({ where: { sessionId: s1.id } }), 0);
      assert.equal(await t.db.account.count(), 0);
      assert.equal(await t.db.session.count(), 0);
      const kept = await t.db.attendance.findUniqueOrThrow({ where: { id: a2.id } });
      assert.equal(kept.userId, null);
      assert.equal(kept.displayName, "H");
    });

    test("deleting a meeting cascades to its sessions and attendances", async () => {
      const u = await t.db.user.create({ data: { email: "a@example.com" } });
      const m = await t.db.meeting.create({ data: meetingData(u.id, "tok") });
      const s = await t.db.meetingSession.create({ data: { meetingId: m.id } });
      await t.db.attendance.create({ data: { sessionId: s.id, participantKey: "g1", displayName: "G", isGuest: true } });
      await t.db.meeting.delete({ where: { id: m.id } });
      assert.equal(await t.db.meetingSession.count(), 0);
      assert.equal(await t.db.attendance.count(), 0);
      assert.equal(await t.db.user.count(), 1);
    });
  });
}
