// Chat in the meeting history against a real migrated database (SQLite; PostgreSQL too with
// TEST_POSTGRES=1): messages land in the session that was live when they were sent, wait for
// a session row that is not written yet, expire after the retention period, and the admin
// query reads them back in order.
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ChatArchiveWriter } from "@/server/history/chat-archive";
import type { HistoryLogger } from "@/server/history/history-recorder";
import type { ArchivedChatMessage } from "@/server/rooms/room-chat";
import { getSessionChat } from "@/lib/admin/session-chat";
import { freshDb, stopPg, templateDb, testBackends, type TestDb } from "./db-helper";

let t: TestDb;
let clock = Date.parse("2030-01-01T10:00:00Z");
const now = () => new Date(clock);
const at = (s: number) => Date.parse("2030-01-01T10:00:00Z") + s * 1000;
const logged: { level: string; obj: object }[] = [];
const logger: HistoryLogger = {
  info: (obj) => void logged.push({ level: "info", obj }),
  warn: (obj) => void logged.push({ level: "warn", obj }),
  error: (obj) => void logged.push({ level: "error", obj }),
};
let meetingId: string;
let seq = 0;

function msg(sentAtSec: number, text: string, over: Partial<ArchivedChatMessage> = {}): ArchivedChatMessage {
  return {
    id: `m-${++seq}`,
    fromPeerId: "peer-a",
    fromName: "Ann",
    text,
    sentAt: at(sentAtSec),
    roomId: meetingId,
    meetingId,
    senderKey: "guest:ann",
    ...over,
  };
}

const archive = (retentionDays = 30) => new ChatArchiveWriter({ db: t.db, logger, retentionDays, now, timers: false });
const session = (startSec: number, endSec: number | null) =>
  t.db.meetingSession.create({
    data: { meetingId, startedAt: new Date(at(startSec)), endedAt: endSec === null ? null : new Date(at(endSec)) },
  });

after(stopPg);

for (const backend of testBackends) {
  describe(`chat archive on ${backend}`, () => {
    before(async () => {
      if (backend === "sqlite") await templateDb();
    });
    beforeEach(async () => {
      t = await freshDb(backend);
      clock = at(0);
      logged.length = 0;
      const host = await t.db.user.create({ data: { email: "host@example.com" } });
      const m = await t.db.meeting.create({
        data: { title: "Chatty", startsAt: new Date(at(0)), durationMinutes: 30, timeZone: "UTC", hostId: host.id, inviteToken: `tok-${seq}` },
      });
      meetingId = m.id;
    });
    afterEach(async () => {
      await t.dispose();
    });

    test("each message goes to the session live when it was sent; the admin query reads them in order", async () => {
      const first = await session(0, 600);
      const second = await session(1000, null);
      const a = archive();
      a.record(msg(10, "in the first session"));
      a.record(msg(20, "<img src=x onerror=alert(1)>", { fromName: "Bob", senderKey: "guest:bob" }));
      a.record(msg(1010, "in the second"));
      clock = at(1011);
      await a.flush();
      const one = await getSessionChat(t.db, first.id);
      assert.equal(one.total, 2);
      assert.deepEqual(
        one.messages.map((m) => [m.senderName, m.senderKey, m.text]),
        [["Ann", "guest:ann", "in the first session"], ["Bob", "guest:bob", "<img src=x onerror=alert(1)>"]],
      );
      assert.deepEqual((await getSessionChat(t.db, second.id)).messages.map((m) => m.text), ["in the second"]);
      assert.equal(logged.filter((l) => l.level !== "info").length, 0);
    });

    test("a message sent before its session row exists waits for it (then is dropped after a minute)", async () => {
      const a = archive();
      a.record(msg(1, "early"));
      clock = at(2);
      await a.flush();
      assert.equal(await t.db.chatMessage.count(), 0);
      const s = await session(0, null); // the history recorder writes it a moment later
      await a.flush();
      assert.deepEqual((await getSessionChat(t.db, s.id)).messages.map((m) => m.text), ["early"]);

      await t.db.meetingSession.update({ where: { id: s.id }, data: { endedAt: new Date(at(5)) } });
      a.record(msg(100, "no session at all"));
      clock = at(101);
      await a.flush();
      clock = at(200);
      await a.flush();
      assert.equal(await t.db.chatMessage.count(), 1);
      assert.equal(logged.filter((l) => l.level === "warn").length, 1);
      await a.flush();
      assert.equal(logged.filter((l) => l.level === "warn").length, 1, "dropped once, not retried forever");
    });

    test("retention: older messages are deleted; 0 days stores nothing", async () => {
      const s = await session(0, null);
      const a = archive(7);
      a.record(msg(0, "old"));
      a.record(msg(6 * 86400, "recent"));
      clock = at(6 * 86400 + 1);
      await a.flush();
      clock = at(8 * 86400);
      assert.equal(await a.purge(), 1);
      assert.deepEqual((await getSessionChat(t.db, s.id)).messages.map((m) => m.text), ["recent"]);

      const off = archive(0);
      assert.equal(off.enabled, false);
      off.record(msg(8 * 86400, "not stored"));
      await off.shutdown();
      assert.equal(await t.db.chatMessage.count(), 1);
    });

    test("deleting a session deletes its chat", async () => {
      const s = await session(0, null);
      const a = archive();
      a.record(msg(1, "bye"));
      clock = at(2);
      await a.shutdown();
      assert.equal(await t.db.chatMessage.count(), 1);
      await t.db.meetingSession.delete({ where: { id: s.id } });
      assert.equal(await t.db.chatMessage.count(), 0);
    });
  });
}
