// The meeting-history recorder against a real (migrated) database: SQLite, and also
// PostgreSQL (temp cluster) when TEST_POSTGRES=1. Continuity across rejoins, reconnects and
// restarts: history-continuity.test.ts.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { closeStaleSessions } from "@/server/history/history-recorder";
import { stopPg, testBackends } from "./db-helper";
import { useHistoryDb } from "./history-fixture";

after(stopPg);

for (const backend of testBackends) {
  describe(`history on ${backend}`, () => {
    const h = useHistoryDb(backend);
    const { recorder, peer, q, sessions, attendances, at } = h;

    test("join then leave: one session, one attendance, both closed at the leave time", async () => {
      const r = recorder();
      const a = peer("a", { userId: h.hostId, isGuest: false, isHost: true });
      r.peerJoined("room1", a);
      await r.idle();
      let [s] = await sessions();
      assert.equal(s.meetingId, h.meetingId);
      assert.deepEqual(s.startedAt, at(0));
      assert.equal(s.endedAt, null);
      assert.equal(s.peakParticipants, 1);
      let [att] = await attendances();
      assert.equal(att.sessionId, s.id);
      assert.equal(att.userId, h.hostId);
      assert.equal(att.isGuest, false);
      assert.equal(att.displayName, "A");
      assert.equal(att.leftAt, null);

      assert.equal(att.role, "host");
      assert.equal(att.joinCount, 1);
      assert.deepEqual(att.currentJoinAt, at(0));

      h.clock += 60_000;
      r.peerLeft("room1", a);
      await r.idle();
      [s] = await sessions();
      assert.equal(s.endedAt, null, "the session ends when the room closes");
      h.clock += 1_000;
      r.roomClosed("room1"); // the room closes right after its last peer left
      await r.idle();
      [s] = await sessions();
      [att] = await attendances();
      assert.deepEqual(s.endedAt, at(60), "ended at the last leave");
      assert.equal(s.endReason, "empty");
      assert.deepEqual(att.leftAt, at(60));
      assert.equal(att.inMeetingMs, 60_000);
      assert.equal(att.endReason, "left");
      assert.equal(att.currentJoinAt, null);
      assert.equal(r.presentCount("room1"), 0);
      assert.deepEqual(h.errors, []);
    });

    test("a rejoin (second connection) of the same participant reuses the open attendance", async () => {
      const r = recorder();
      const a1 = peer("a");
      const a2 = peer("a"); // socket came back / second tab: same participantKey, new peer id
      const b = peer("b");
      r.peerJoined("room1", a1);
      r.peerJoined("room1", b);
      h.clock += 5_000;
      r.peerJoined("room1", a2);
      h.clock += 5_000;
      r.peerLeft("room1", a1); // the old socket is reaped after the new one joined
      await r.idle();
      assert.equal((await attendances()).length, 2);
      assert.equal((await attendances()).filter((x) => x.leftAt).length, 0);
      assert.equal((await sessions())[0].peakParticipants, 2);

      h.clock += 5_000;
      r.peerLeft("room1", a2); // last connection of "a": the row closes
      await r.idle();
      const rows = await attendances();
      assert.deepEqual(rows.find((x) => x.participantKey === "a")!.leftAt, at(15));
      assert.equal(rows.find((x) => x.participantKey === "b")!.leftAt, null);

      // "a" comes back later while the session is still open: the same row, a second join.
      h.clock += 5_000;
      const a3 = peer("a");
      r.peerJoined("room1", a3);
      h.clock += 2_000;
      r.peerLeft("room1", a3);
      r.peerLeft("room1", b);
      r.peerLeft("room1", b); // duplicate leave: ignored
      r.roomClosed("room1");
      await r.idle();
      const all = await attendances();
      assert.equal(all.length, 2);
      assert.ok(all.every((x) => x.leftAt));
      const rowA = all.find((x) => x.participantKey === "a")!;
      assert.equal(rowA.joinCount, 2);
      assert.deepEqual(rowA.joinedAt, at(0), "first join");
      assert.deepEqual(rowA.leftAt, at(22), "last leave");
      assert.equal(rowA.inMeetingMs, 15_000 + 2_000, "the two stays, not the gap between them");
      const [s] = await sessions();
      assert.equal((await sessions()).length, 1);
      assert.equal(s.peakParticipants, 2);
      assert.deepEqual(s.endedAt, at(22));
      assert.deepEqual(h.errors, []);
    });

    test("two people at once -> peak 2; the session ends with the last leave; a new join opens a new session", async () => {
      const r = recorder();
      const a = peer("a");
      const b = peer("b");
      const c = peer("c");
      r.peerJoined("room1", a);
      h.clock += 1_000;
      r.peerJoined("room1", b);
      h.clock += 1_000;
      r.peerLeft("room1", a);
      r.peerJoined("room1", c); // b + c: still 2
      h.clock += 1_000;
      r.peerLeft("room1", b);
      await r.idle();
      let [s] = await sessions();
      assert.equal(s.peakParticipants, 2);
      assert.equal(s.endedAt, null);
      h.clock += 1_000;
      r.peerLeft("room1", c);
      r.roomClosed("room1");
      await r.idle();
      [s] = await sessions();
      assert.deepEqual(s.endedAt, at(4));
      assert.equal(s.peakParticipants, 2);

      h.clock += 60_000;
      const d = peer("d");
      r.peerJoined("room1", d);
      await r.idle();
      const all = await sessions();
      assert.equal(all.length, 2);
      assert.equal(all[1].endedAt, null);
      assert.equal(all[1].peakParticipants, 1);
      r.peerLeft("room1", d);
      r.roomClosed("room1");
      await r.idle();
      assert.deepEqual(h.errors, []);
    });

    test("rooms without a meetingId are not recorded", async () => {
      const r = recorder();
      const x = peer("x", { meetingId: undefined });
      r.peerJoined("adhoc", x);
      r.qualitySample("adhoc", x.id, q(x.id, 1, 1, 1, 1));
      r.flush();
      r.heartbeat();
      r.peerLeft("adhoc", x);
      await r.idle();
      assert.equal((await sessions()).length, 0);
      assert.equal((await attendances()).length, 0);
    });

    test("quality: batched in memory, flushed as running means, final values on leave", async () => {
      const r = recorder();
      const a = peer("a");
      const b = peer("b");
      r.peerJoined("room1", a);
      r.peerJoined("room1", b);
      r.qualitySample("room1", a.id, q(a.id, 0, null, 100, 300));
      r.qualitySample("room1", a.id, q(a.id, 4, 50, 200, 500));
      r.qualitySample("room1", "unknown-peer", q("unknown-peer", 50, 50, 50, 50));
      await r.idle();
      let row = (await attendances()).find((x) => x.participantKey === "a")!;
      assert.equal(row.qualitySamples, 0, "no write per sample");
      assert.equal(row.meanPacketLoss, null);

      r.flush();
      await r.idle();
      row = (await attendances()).find((x) => x.participantKey === "a")!;
      assert.equal(row.qualitySamples, 2);
      assert.equal(row.meanPacketLoss, 2);
      assert.equal(row.maxPacketLoss, 4);
      assert.equal(row.meanRttMs, 50);
      assert.equal(row.meanSendKbps, 150);
      assert.equal(row.meanRecvKbps, 400);
      assert.equal((await attendances()).find((x) => x.participantKey === "b")!.qualitySamples, 0);

      r.qualitySample("room1", a.id, q(a.id, 2, 70, 300, 700));
      r.peerLeft("room1", a); // leave flushes
      await r.idle();
      row = (await attendances()).find((x) => x.participantKey === "a")!;
      assert.equal(row.qualitySamples, 3);
      assert.equal(row.meanPacketLoss, 2);
      assert.equal(row.meanRttMs, 60);
      assert.equal(row.meanSendKbps, 200);
      assert.equal(row.meanRecvKbps, 500);
      r.peerLeft("room1", b);
      await r.idle();
      assert.deepEqual(h.errors, []);
    });

    test("crash: heartbeat keeps lastSeenAt fresh; closeStaleSessions closes open rows at it", async () => {
      const r = recorder();
      const a = peer("a");
      const b = peer("b");
      r.peerJoined("room1", a);
      r.peerJoined("room1", b);
      h.clock += 30_000;
      r.heartbeat();
      h.clock += 10_000;
      r.peerLeft("room1", b); // b left properly at 40 s
      h.clock += 30_000;
      r.heartbeat(); // last sign of life at 70 s ...
      await r.idle();
      r.stopTimers(); // ... then the process dies: no leave for a, no session end

      // A finished session must be left untouched.
      const done = await h.db.meetingSession.create({
        data: { meetingId: h.meetingId, startedAt: at(-100), endedAt: at(-50), lastSeenAt: at(-50), peakParticipants: 1 },
      });

      const closed = await closeStaleSessions(h.db);
      assert.deepEqual(closed, { sessions: 1, attendances: 1 });
      const s = (await sessions()).find((x) => x.id !== done.id)!;
      assert.deepEqual(s.endedAt, at(70));
      assert.equal(s.endReason, "crash");
      const rows = await attendances();
      const rowA = rows.find((x) => x.participantKey === "a")!;
      assert.deepEqual(rowA.leftAt, at(70));
      assert.equal(rowA.inMeetingMs, 70_000, "counted up to the last heartbeat");
      assert.equal(rowA.endReason, "crash");
      assert.equal(rowA.currentJoinAt, null);
      assert.deepEqual(rows.find((x) => x.participantKey === "b")!.leftAt, at(40));
      assert.equal(rows.find((x) => x.participantKey === "b")!.endReason, "left");
      assert.deepEqual((await h.db.meetingSession.findUniqueOrThrow({ where: { id: done.id } })).endedAt, at(-50));
      assert.deepEqual(await closeStaleSessions(h.db), { sessions: 0, attendances: 0 });
    });

    test("roomClosed ends the session and every open attendance", async () => {
      const r = recorder();
      r.peerJoined("room1", peer("a"));
      r.peerJoined("room1", peer("b"));
      h.clock += 9_000;
      r.roomClosed("room1");
      await r.idle();
      const [s] = await sessions();
      assert.deepEqual(s.endedAt, at(9));
      assert.ok((await attendances()).every((x) => x.leftAt?.getTime() === at(9).getTime()));
      assert.equal(r.presentCount("room1"), 0);
    });

    test("a burst of concurrent joins/leaves stays consistent (writes are serialized)", async () => {
      const r = recorder();
      const peers = Array.from({ length: 12 }, (_, i) => peer(`p${i % 6}`)); // 6 people, 2 connections each
      for (const p of peers) r.peerJoined("room1", p);
      for (const p of peers.slice(0, 6)) r.peerLeft("room1", p); // one connection each: nobody leaves
      r.peerJoined("room1", peer("late"));
      await r.idle();
      assert.equal((await attendances()).length, 7);
      assert.equal((await attendances()).filter((x) => x.leftAt).length, 0);
      assert.equal((await sessions())[0].peakParticipants, 7);
      await r.shutdown();
      assert.ok((await attendances()).every((x) => x.leftAt));
      assert.ok((await sessions())[0].endedAt);
      assert.deepEqual(h.errors, []);
    });

    test("failures are logged, never thrown: unknown meeting, deleted user", async () => {
      const r = recorder();
      const ghost = peer("g", { meetingId: "no-such-meeting" });
      assert.doesNotThrow(() => r.peerJoined("roomX", ghost));
      assert.doesNotThrow(() => r.qualitySample("roomX", ghost.id, q(ghost.id, 1, 1, 1, 1)));
      assert.doesNotThrow(() => r.flush());
      assert.doesNotThrow(() => r.peerLeft("roomX", ghost));
      await r.idle();
      assert.equal(h.errors.length, 1, "only the failed session create is logged");
      assert.equal((await sessions()).length, 0);

      // A user id that no longer exists: the attendance is kept without it.
      r.peerJoined("room1", peer("u", { userId: "deleted-user", isGuest: false }));
      await r.idle();
      const [row] = await attendances();
      assert.equal(row.participantKey, "u");
      assert.equal(row.userId, null);
    });
  });
}
