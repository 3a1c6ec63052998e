// Per-node crash close: sessions carry the node that hosted them, and a (re)starting node
// closes only its own stale sessions and those of dead nodes, never a live node's.
// Real SQLite (and PostgreSQL with TEST_POSTGRES=1).
import { after, afterEach, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { closeStaleSessions, HistoryRecorder, type HistoryPeer } from "@/server/history/history-recorder";
import { freshDb, stopPg, testBackends, type TestDb } from "./db-helper";

let t: TestDb;
let meetingIds: string[] = [];
const quiet = { info() {}, warn() {}, error() {} };
let seq = 0;

function peer(meetingId: string, key: string): HistoryPeer {
  return { id: `p${++seq}`, participantKey: key, userId: null, isGuest: true, isHost: false, meetingId, displayName: key };
}

after(stopPg);

for (const backend of testBackends) {
  describe(`per-node crash close on ${backend}`, () => {
    beforeEach(async () => {
      t = await freshDb(backend);
      const host = await t.db.user.create({ data: { email: "h@example.com" } });
      meetingIds = [];
      for (const title of ["A", "B", "C"]) {
        const m = await t.db.meeting.create({
          data: { title, startsAt: new Date(), durationMinutes: 30, timeZone: "UTC", hostId: host.id, inviteToken: `tok-${title}-${Math.random()}` },
        });
        meetingIds.push(m.id);
      }
    });
    afterEach(async () => {
      await t.dispose();
    });

    test("sessions record their node; closing node n1's leaves live node n2's open", async () => {
      const n1 = new HistoryRecorder({ db: t.db, logger: quiet, nodeId: "n1", timers: false });
      const n2 = new HistoryRecorder({ db: t.db, logger: quiet, nodeId: "n2", timers: false });
      n1.peerJoined(meetingIds[0], peer(meetingIds[0], "a"));
      n2.peerJoined(meetingIds[1], peer(meetingIds[1], "b"));
      n2.peerJoined(meetingIds[1], peer(meetingIds[1], "c"));
      await Promise.all([n1.idle(), n2.idle()]);
      // a row from before node ids existed
      const legacy = await t.db.meetingSession.create({ data: { meetingId: meetingIds[2] } });
      await t.db.attendance.create({ data: { sessionId: legacy.id, participantKey: "old", displayName: "Old" } });

      const rows = await t.db.meetingSession.findMany({ select: { meetingId: true, nodeId: true } });
      assert.deepEqual(
        rows.map((r) => [meetingIds.indexOf(r.meetingId), r.nodeId]).sort(),
        [[0, "n1"], [1, "n2"], [2, null]],
      );

      // n1 crashed and restarts (or was declared dead): only its rows and legacy ones close
      const closed = await closeStaleSessions(t.db, { nodeIds: ["n1"] });
      assert.deepEqual(closed, { sessions: 2, attendances: 2 });
      const open = await t.db.meetingSession.findMany({ where: { endedAt: null }, select: { nodeId: true } });
      assert.deepEqual(open, [{ nodeId: "n2" }]);
      assert.equal(await t.db.attendance.count({ where: { leftAt: null } }), 2, "n2's two attendances stay open");

      // one node (no node list): everything open is stale
      assert.deepEqual(await closeStaleSessions(t.db), { sessions: 1, attendances: 2 });
      assert.equal(await t.db.meetingSession.count({ where: { endedAt: null } }), 0);
    });

    test("a room continued on another node after its node died keeps one session and one attendance per person", async () => {
      const dead = new HistoryRecorder({ db: t.db, logger: quiet, nodeId: "n1", timers: false });
      const m = meetingIds[0];
      dead.peerJoined(m, peer(m, "ana"));
      dead.peerJoined(m, peer(m, "ben"));
      dead.peerJoined(m, peer(m, "cleo"));
      await dead.idle();
      dead.stopTimers(); // n1 is SIGKILLed: nothing more from it

      // the room comes back on n2 before anyone declared n1 dead
      const alive = new HistoryRecorder({ db: t.db, logger: quiet, nodeId: "n2", timers: false, adoptable: (id) => id === "n1" });
      alive.peerJoined(m, peer(m, "ana")); // ana and ben rejoin on n2; cleo never comes back
      alive.peerJoined(m, peer(m, "ben"));
      await alive.idle();
      const sessions = await t.db.meetingSession.findMany({ where: { meetingId: m } });
      assert.equal(sessions.length, 1, "one session");
      assert.equal(sessions[0].nodeId, "n2", "now hosted by n2");
      assert.equal(sessions[0].endedAt, null);
      assert.equal(sessions[0].peakParticipants, 3, "the peak before the death counts");
      const rows = await t.db.attendance.findMany({ where: { sessionId: sessions[0].id }, orderBy: { participantKey: "asc" } });
      assert.deepEqual(rows.map((r) => r.participantKey), ["ana", "ben", "cleo"], "one attendance per person");
      assert.deepEqual(rows.map((r) => r.leftAt === null), [true, true, false], "cleo left (at her last sign of life)");

      // a node that is still live keeps its session; another node carrying part of the room
      // (its edge) writes its people into that same session and never ends it
      const m2 = meetingIds[1];
      const live = new HistoryRecorder({ db: t.db, logger: quiet, nodeId: "n3", timers: false });
      live.peerJoined(m2, peer(m2, "dan"));
      await live.idle();
      const edge = new HistoryRecorder({ db: t.db, logger: quiet, nodeId: "n4", timers: false, adoptable: (id) => id !== "n3" });
      edge.peerJoined(m2, peer(m2, "eve"));
      await edge.idle();
      const shared = await t.db.meetingSession.findMany({ where: { meetingId: m2 } });
      assert.equal(shared.length, 1, "one meeting, one session across the nodes");
      assert.equal(shared[0].nodeId, "n3");
      assert.deepEqual(
        (await t.db.attendance.findMany({ where: { sessionId: shared[0].id }, orderBy: { participantKey: "asc" } })).map((r) => r.participantKey),
        ["dan", "eve"],
      );
      edge.peerLeft(m2, peer(m2, "eve"));
      edge.roomClosed(m2);
      await edge.idle();
      assert.equal((await t.db.meetingSession.findUniqueOrThrow({ where: { id: shared[0].id } })).endedAt, null, "the edge does not end it");

      // the home node dies while the edge still has people: the edge takes the session over,
      // and closing the dead node's rows leaves it open
      edge.peerJoined(m2, peer(m2, "eve"));
      await edge.idle();
      live.stopTimers();
      assert.deepEqual(await edge.takeOver("n3"), [shared[0].id]);
      await closeStaleSessions(t.db, { nodeIds: ["n3"] });
      const after = await t.db.meetingSession.findUniqueOrThrow({ where: { id: shared[0].id } });
      assert.deepEqual([after.nodeId, after.endedAt], ["n4", null]);
      const eve = await t.db.attendance.findFirstOrThrow({ where: { sessionId: shared[0].id, participantKey: "eve" } });
      assert.equal(eve.leftAt, null, "eve is still in the meeting");
    });
  });
}
