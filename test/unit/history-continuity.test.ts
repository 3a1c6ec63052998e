// History continuity: one Attendance row per person and session across rejoins, replaced
// connections, reconnects, grace-period expiry, server restarts and crashes (issue 6/9).
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { closeStaleSessions } from "@/server/history/history-recorder";
import { historyConfigFromEnv } from "@/server/history/config";
import { stopPg, testBackends } from "./db-helper";
import { useHistoryDb } from "./history-fixture";

after(stopPg);

test("HISTORY_CONTINUE_MINUTES: default 10 min, minutes, 0, bad values refused", () => {
  assert.equal(historyConfigFromEnv({}).continueWindowMs, 600_000);
  assert.equal(historyConfigFromEnv({ HISTORY_CONTINUE_MINUTES: " " }).continueWindowMs, 600_000);
  assert.equal(historyConfigFromEnv({ HISTORY_CONTINUE_MINUTES: "2.5" }).continueWindowMs, 150_000);
  assert.equal(historyConfigFromEnv({ HISTORY_CONTINUE_MINUTES: "0" }).continueWindowMs, 0);
  assert.throws(() => historyConfigFromEnv({ HISTORY_CONTINUE_MINUTES: "ten" }), /HISTORY_CONTINUE_MINUTES/);
  assert.throws(() => historyConfigFromEnv({ HISTORY_CONTINUE_MINUTES: "-1" }), /HISTORY_CONTINUE_MINUTES/);
  assert.throws(() => historyConfigFromEnv({ HISTORY_CONTINUE_MINUTES: "5000" }), /at most 1440/);
});

for (const backend of testBackends) {
  describe(`history continuity on ${backend}`, () => {
    const h = useHistoryDb(backend);
    const { recorder, peer, q, sessions, attendances, at } = h;

    test("leave then rejoin later in the same session: one row, joinCount 2, time summed without the gap", async () => {
      const r = recorder();
      const host = peer("host", { userId: h.hostId, isGuest: false, isHost: true });
      r.peerJoined("room1", host);
      const a1 = peer("a");
      r.peerJoined("room1", a1);
      h.clock += 120_000;
      r.peerLeft("room1", a1); // a leaves after 2 min
      h.clock += 300_000;
      const a2 = peer("a", { displayName: "Anna" });
      r.peerJoined("room1", a2); // ... and is back 5 min later
      h.clock += 60_000;
      r.peerLeft("room1", a2);
      r.peerLeft("room1", host);
      r.roomClosed("room1");
      await r.idle();
      const rows = await attendances();
      assert.equal(rows.length, 2, "one row per person");
      const a = rows.find((x) => x.participantKey === "a")!;
      assert.equal(a.joinCount, 2);
      assert.deepEqual(a.joinedAt, at(0));
      assert.deepEqual(a.leftAt, at(480));
      assert.equal(a.inMeetingMs, 180_000, "2 min + 1 min");
      assert.equal(a.displayName, "Anna", "the latest name");
      assert.equal(a.role, "guest");
      const hostRow = rows.find((x) => x.participantKey === "host")!;
      assert.equal(hostRow.joinCount, 1);
      assert.equal(hostRow.inMeetingMs, 480_000);
      assert.equal(hostRow.role, "host");
      assert.equal((await sessions()).length, 1);
      assert.deepEqual(h.errors, []);
    });

    test("grace period expired: the leave counts from disconnectedAt (attendance and session)", async () => {
      const r = recorder();
      const a = peer("a");
      const b = peer("b");
      r.peerJoined("room1", a);
      r.peerJoined("room1", b);
      h.clock += 60_000;
      r.peerLeft("room1", b); // b leaves at 60 s
      h.clock += 30_000;
      r.peerReconnecting("room1", { ...a, disconnectedAt: at(90) }); // a's socket drops at 90 s ...
      h.clock += 30_000;
      r.peerLeft("room1", { ...a, disconnectedAt: at(90) }); // ... and the grace period ends at 120 s
      r.roomClosed("room1");
      await r.idle();
      const rowA = (await attendances()).find((x) => x.participantKey === "a")!;
      assert.deepEqual(rowA.leftAt, at(90));
      assert.equal(rowA.inMeetingMs, 90_000);
      assert.equal(rowA.reconnectCount, 1);
      const [s] = await sessions();
      assert.deepEqual(s.endedAt, at(90), "the session ended when the last person really left");
      assert.equal(s.endReason, "empty");
    });

    test("a reconnect within the grace period is the same stay: no new join, reconnects counted", async () => {
      const r = recorder();
      const a = peer("a", { userId: h.hostId, isGuest: false });
      r.peerJoined("room1", a);
      h.clock += 10_000;
      r.peerReconnecting("room1", { ...a, disconnectedAt: at(10) });
      h.clock += 3_000;
      r.peerReconnected("room1", a);
      h.clock += 20_000;
      r.peerReconnecting("room1", { ...a, disconnectedAt: at(33) });
      r.peerReconnected("room1", a);
      h.clock += 7_000;
      r.peerLeft("room1", a);
      r.roomClosed("room1");
      await r.idle();
      const [row] = await attendances();
      assert.equal(row.joinCount, 1);
      assert.equal(row.reconnectCount, 2);
      assert.equal(row.inMeetingMs, 40_000, "the reconnect gaps are part of the stay");
      assert.equal(row.role, "signed-in");
      assert.deepEqual(h.errors, []);
    });

    test("replaced by a new join with the same participantKey (alone in the room): same session, same row", async () => {
      const r = recorder();
      const old = peer("a");
      r.peerJoined("room1", old);
      h.clock += 30_000;
      // socket lost at 30 s; the person reloads and joins again at 40 s: the room drops the old peer first
      h.clock += 10_000;
      r.peerLeft("room1", { ...old, disconnectedAt: at(30) });
      r.peerJoined("room1", peer("a"));
      h.clock += 20_000;
      r.heartbeat();
      await r.idle();
      let all = await sessions();
      assert.equal(all.length, 1);
      assert.equal(all[0].endedAt, null);
      let [row] = await attendances();
      assert.equal(row.joinCount, 2);
      assert.equal(row.leftAt, null);
      assert.deepEqual(row.lastSeenAt, at(60));
      await r.shutdown();
      [row] = await attendances();
      assert.equal((await attendances()).length, 1);
      assert.equal(row.inMeetingMs, 30_000 + 20_000);
      all = await sessions();
      assert.equal(all.length, 1);
    });

    test("two connections of one person (second tab): one row, the stay lasts until the last one leaves", async () => {
      const r = recorder();
      const tab1 = peer("a");
      const tab2 = peer("a");
      r.peerJoined("room1", tab1);
      h.clock += 5_000;
      r.peerJoined("room1", tab2);
      h.clock += 5_000;
      r.peerLeft("room1", tab1);
      h.clock += 5_000;
      r.peerLeft("room1", tab2);
      r.roomClosed("room1");
      await r.idle();
      const [row] = await attendances();
      assert.equal(row.joinCount, 1);
      assert.equal(row.inMeetingMs, 15_000);
    });

    test("server restart: shutdown marks 'restart'; a join within the window continues the session and the rows", async () => {
      const r1 = recorder();
      const a = peer("a", { userId: h.hostId, isGuest: false, isHost: true });
      const b = peer("b");
      r1.peerJoined("room1", a);
      r1.peerJoined("room1", b);
      r1.qualitySample("room1", a.id, q(a.id, 2, 40, 500, 600));
      h.clock += 100_000;
      await r1.shutdown(); // SIGTERM at 100 s
      let [s] = await sessions();
      assert.deepEqual(s.endedAt, at(100));
      assert.equal(s.endReason, "restart");
      let rows = await attendances();
      assert.ok(rows.every((x) => x.endReason === "restart" && x.leftAt?.getTime() === at(100).getTime()));
      assert.equal(rows.find((x) => x.participantKey === "a")!.qualitySamples, 1, "pending quality flushed");

      // the new process: nothing stale (the shutdown closed everything), people come back
      assert.deepEqual(await closeStaleSessions(h.db), { sessions: 0, attendances: 0 });
      const r2 = recorder();
      h.clock += 20_000;
      const a2 = peer("a", { userId: h.hostId, isGuest: false, isHost: true });
      r2.peerJoined("room1", a2); // back at 120 s
      r2.qualitySample("room1", a2.id, q(a2.id, 4, 60, 700, 800));
      h.clock += 5_000;
      r2.peerJoined("room1", peer("c")); // someone new at 125 s
      h.clock += 55_000;
      r2.roomClosed("room1"); // everybody gone at 180 s (b never came back)
      await r2.idle();

      const all = await sessions();
      assert.equal(all.length, 1, "one session across the restart");
      [s] = all;
      assert.deepEqual(s.startedAt, at(0));
      assert.deepEqual(s.endedAt, at(180));
      assert.equal(s.endReason, "empty");
      assert.equal(s.resumeCount, 1);
      assert.equal(s.peakParticipants, 2);
      rows = await attendances();
      assert.equal(rows.length, 3, "one row per person");
      const rowA = rows.find((x) => x.participantKey === "a")!;
      assert.equal(rowA.joinCount, 2);
      assert.deepEqual(rowA.joinedAt, at(0));
      assert.deepEqual(rowA.leftAt, at(180));
      assert.equal(rowA.inMeetingMs, 100_000 + 60_000, "both stays, not the restart gap");
      assert.equal(rowA.qualitySamples, 2, "quality continues the stored summary");
      assert.equal(rowA.meanPacketLoss, 3);
      assert.equal(rowA.meanRttMs, 50);
      assert.equal(rowA.maxPacketLoss, 4);
      const rowB = rows.find((x) => x.participantKey === "b")!;
      assert.equal(rowB.joinCount, 1);
      assert.deepEqual(rowB.leftAt, at(100));
      assert.equal(rowB.endReason, "restart");
      assert.equal(rows.find((x) => x.participantKey === "c")!.joinCount, 1);
      assert.deepEqual(h.errors, []);
    });

    test("old room behaviour at shutdown (peerLeft for everyone, then roomClosed) after beginShutdown: still 'restart'", async () => {
      const r1 = recorder();
      const a = peer("a");
      r1.peerJoined("room1", a);
      h.clock += 10_000;
      r1.beginShutdown();
      r1.peerLeft("room1", a);
      r1.roomClosed("room1");
      await r1.shutdown();
      const [s] = await sessions();
      assert.equal(s.endReason, "restart");
      assert.equal((await attendances())[0].endReason, "restart");
      const r2 = recorder();
      h.clock += 30_000;
      r2.peerJoined("room1", peer("a"));
      await r2.idle();
      assert.equal((await sessions()).length, 1);
      assert.equal((await attendances())[0].joinCount, 2);
    });

    test("crash: closeStaleSessions marks 'crash'; a join within the window continues the session", async () => {
      const r1 = recorder();
      r1.peerJoined("room1", peer("a"));
      h.clock += 30_000;
      r1.heartbeat();
      await r1.idle();
      r1.stopTimers(); // the process dies here
      h.clock += 45_000;
      assert.deepEqual(await closeStaleSessions(h.db), { sessions: 1, attendances: 1 });
      let [s] = await sessions();
      assert.equal(s.endReason, "crash");
      assert.deepEqual(s.endedAt, at(30));
      const r2 = recorder();
      r2.peerJoined("room1", peer("a")); // 75 s: 45 s after the last sign of life
      h.clock += 25_000;
      r2.roomClosed("room1");
      await r2.idle();
      const all = await sessions();
      assert.equal(all.length, 1);
      [s] = all;
      assert.equal(s.resumeCount, 1);
      assert.deepEqual(s.endedAt, at(100));
      const [row] = await attendances();
      assert.equal(row.joinCount, 2);
      assert.equal(row.inMeetingMs, 30_000 + 25_000);
    });

    test("no continuation after a normal end ('empty'): a new session starts", async () => {
      const r1 = recorder();
      const a = peer("a");
      r1.peerJoined("room1", a);
      h.clock += 10_000;
      r1.peerLeft("room1", a);
      r1.roomClosed("room1");
      await r1.idle();
      h.clock += 5_000;
      r1.peerJoined("room1", peer("a"));
      await r1.idle();
      const all = await sessions();
      assert.equal(all.length, 2);
      assert.equal(all[0].endReason, "empty");
      assert.equal(all[1].endedAt, null);
      assert.equal((await attendances()).length, 2, "a row in each session");
    });

    test("no continuation outside the window (and with a window of 0)", async () => {
      const r1 = recorder({ continueWindowMs: 60_000 });
      r1.peerJoined("room1", peer("a"));
      h.clock += 10_000;
      await r1.shutdown();
      h.clock += 61_000;
      const r2 = recorder({ continueWindowMs: 60_000 });
      r2.peerJoined("room1", peer("a"));
      h.clock += 1_000;
      await r2.shutdown();
      let all = await sessions();
      assert.equal(all.length, 2, "61 s after the restart is past a 60 s window");
      assert.equal(all[0].endReason, "restart");
      assert.equal(all[0].resumeCount, 0);

      const r3 = recorder({ continueWindowMs: 0 });
      h.clock += 1_000;
      r3.peerJoined("room1", peer("a"));
      await r3.shutdown();
      all = await sessions();
      assert.equal(all.length, 3, "window 0: never continued");
    });

    test("only the meeting's most recent session is continued", async () => {
      const r1 = recorder();
      r1.peerJoined("room1", peer("a"));
      h.clock += 10_000;
      await r1.shutdown(); // interrupted at 10 s
      // a different room of the same meeting id is not possible, but a normal session after it is:
      const r2 = recorder({ continueWindowMs: 0 });
      h.clock += 5_000;
      const b = peer("b");
      r2.peerJoined("room1", b);
      h.clock += 5_000;
      r2.peerLeft("room1", b);
      r2.roomClosed("room1");
      await r2.idle();
      const r3 = recorder();
      h.clock += 5_000;
      r3.peerJoined("room1", peer("a"));
      await r3.idle();
      const all = await sessions();
      assert.equal(all.length, 3, "the interrupted one is older than the latest normal session");
    });

    test("a room that never reports roomClosed is ended by the heartbeat after the empty grace", async () => {
      const r = recorder({ emptyGraceMs: 30_000 });
      const a = peer("a");
      r.peerJoined("room1", a);
      h.clock += 10_000;
      r.peerLeft("room1", a);
      h.clock += 20_000;
      r.heartbeat(); // 20 s empty: not yet
      await r.idle();
      assert.equal((await sessions())[0].endedAt, null);
      h.clock += 20_000;
      r.heartbeat(); // 40 s empty
      await r.idle();
      const [s] = await sessions();
      assert.deepEqual(s.endedAt, at(10));
      assert.equal(s.endReason, "empty");
    });

    test("quality in both directions: downlink folded in when present", async () => {
      const r = recorder();
      const a = peer("a");
      r.peerJoined("room1", a);
      r.qualitySample("room1", a.id, q(a.id, 1, 20, 300, 900, { score: 10 }));
      r.qualitySample("room1", a.id, q(a.id, 3, 40, 500, 700, { score: 8, downlink: { score: 6, packetLossPercent: 5, jitterMs: 12, availableKbps: 1500 } }));
      r.qualitySample("room1", a.id, q(a.id, 2, 30, 400, 800, { score: 9, downlink: { score: 8, packetLossPercent: 1, jitterMs: null, availableKbps: null } }));
      h.clock += 6_000;
      r.peerLeft("room1", a);
      r.roomClosed("room1");
      await r.idle();
      const [row] = await attendances();
      assert.equal(row.qualitySamples, 3);
      assert.equal(row.meanPacketLoss, 2);
      assert.equal(row.meanScore, 9);
      assert.equal(row.downSamples, 2);
      assert.equal(row.meanDownPacketLoss, 3);
      assert.equal(row.maxDownPacketLoss, 5);
      assert.equal(row.meanDownScore, 7);
      assert.equal(row.meanDownJitterMs, 12);
      assert.equal(row.meanDownKbps, 1500);
    });

    test("roles: host, signed-in, guest, and an explicit co-host role that outranks a later plain join", async () => {
      const r = recorder();
      const guestUser = await h.db.user.create({ data: { email: "u@example.com" } });
      r.peerJoined("room1", peer(h.hostId, { userId: h.hostId, isGuest: false, isHost: true }));
      r.peerJoined("room1", peer("guest:x"));
      const co = peer(guestUser.id, { userId: guestUser.id, isGuest: false, role: "co-host" });
      r.peerJoined("room1", co);
      r.peerLeft("room1", co);
      r.peerJoined("room1", peer(guestUser.id, { userId: guestUser.id, isGuest: false }));
      await r.shutdown();
      const rows = await attendances();
      const role = (key: string) => rows.find((x) => x.participantKey === key)!.role;
      assert.equal(role(h.hostId), "host");
      assert.equal(role("guest:x"), "guest");
      assert.equal(role(guestUser.id), "co-host");
    });

    test("timeline: one quality point per flush window (window means), and join/leave/reconnect events", async () => {
      const r = recorder();
      const a = peer("a");
      r.peerJoined("room1", a);
      r.qualitySample("room1", a.id, q(a.id, 2, 20, 100, 100));
      r.qualitySample("room1", a.id, q(a.id, 4, 40, 300, 300));
      h.clock += 10_000;
      r.flush();
      r.flush(); // nothing new: no point
      r.qualitySample("room1", a.id, q(a.id, 10, 100, 50, 50, { downlink: { score: 4, packetLossPercent: 8, jitterMs: 30, availableKbps: 500 } }));
      h.clock += 5_000;
      r.peerReconnecting("room1", { ...a, disconnectedAt: at(15) });
      h.clock += 2_000;
      r.peerReconnected("room1", a);
      h.clock += 3_000;
      r.peerLeft("room1", a); // the leave writes the last window
      r.roomClosed("room1");
      await r.idle();
      const points = await h.db.qualityPoint.findMany({ orderBy: { at: "asc" } });
      assert.equal(points.length, 2);
      assert.deepEqual(points[0].at, at(10));
      assert.equal(points[0].packetLoss, 3);
      assert.equal(points[0].rttMs, 30);
      assert.equal(points[0].sendKbps, 200);
      assert.equal(points[0].downPacketLoss, null);
      assert.deepEqual(points[1].at, at(20));
      assert.equal(points[1].packetLoss, 10);
      assert.equal(points[1].downPacketLoss, 8);
      assert.equal(points[1].downJitterMs, 30);
      const events = await h.db.attendanceEvent.findMany({ orderBy: [{ at: "asc" }, { kind: "asc" }] });
      assert.deepEqual(events.map((e) => [e.kind, (e.at.getTime() - at(0).getTime()) / 1000]), [
        ["join", 0],
        ["reconnecting", 15],
        ["reconnected", 17],
        ["leave", 20],
      ]);
    });
  });
}
