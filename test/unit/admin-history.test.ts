// Admin history queries + CSV (lib/admin/history-queries.ts) on a real SQLite database.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { freshDb, type TestDb } from "./db-helper";
import {
  csvField,
  formatDuration,
  formatLossPercent,
  getSessionDetail,
  historySearch,
  listHosts,
  listSessions,
  listAllSessionsWithAttendance,
  parseHistoryQuery,
} from "@/lib/admin/history-queries";
import { attendanceToCsv, historyWithAttendanceToCsv } from "@/lib/admin/attendance-csv";

let t: TestDb;
let alice: { id: string };
let bob: { id: string };
const sessionIds: string[] = [];

before(async () => {
  t = await freshDb();
  const { db } = t;
  alice = await db.user.create({ data: { email: "alice@example.com", name: "Alice" } });
  bob = await db.user.create({ data: { email: "bob@example.com", name: "Bob" } });
  await db.user.create({ data: { email: "nohost@example.com" } });
  const mk = (hostId: string, title: string, token: string) =>
    db.meeting.create({
      data: { title, hostId, startsAt: new Date("2030-01-01T00:00:00Z"), durationMinutes: 60, timeZone: "UTC", inviteToken: token },
    });
  const ma = await mk(alice.id, 'Weekly, "sync"', "tokA".padEnd(32, "a"));
  const mb = await mk(bob.id, "=HYPERLINK(\"x\")", "tokB".padEnd(32, "b"));
  // 25 sessions for Alice on consecutive days of Jan 2030, 3 for Bob in Feb.
  for (let i = 0; i < 25; i++) {
    const startedAt = new Date(Date.UTC(2030, 0, 1 + i, 10));
    const s = await db.meetingSession.create({
      data: { meetingId: ma.id, startedAt, endedAt: new Date(startedAt.getTime() + 45 * 60_000), peakParticipants: 2 },
    });
    sessionIds.push(s.id);
  }
  for (let i = 0; i < 3; i++) {
    await db.meetingSession.create({
      data: { meetingId: mb.id, startedAt: new Date(Date.UTC(2030, 1, 1 + i, 23, 30)), endedAt: null, peakParticipants: 1 },
    });
  }
  // First Alice session: Alice twice (rejoin: one row, 2 joins), a guest, Bob -> 3 participants.
  const s0 = sessionIds[0];
  const at = (min: number) => new Date(Date.UTC(2030, 0, 1, 10, min));
  await db.attendance.createMany({
    data: [
      { sessionId: s0, userId: alice.id, participantKey: alice.id, displayName: "Alice", role: "host", joinedAt: at(0), leftAt: at(45), joinCount: 2, inMeetingMs: 43 * 60_000, qualitySamples: 5, meanPacketLoss: 0.5, maxPacketLoss: 3, meanRttMs: 42.4, meanSendKbps: 812.6, meanRecvKbps: 1500 },
      { sessionId: s0, participantKey: "guest:abc", displayName: "Gus", isGuest: true, joinedAt: at(1), leftAt: null, currentJoinAt: at(1), inMeetingMs: 0 },
      { sessionId: s0, userId: bob.id, participantKey: bob.id, displayName: "Bob", role: "signed-in", joinedAt: at(2), leftAt: at(30), inMeetingMs: 28 * 60_000 },
    ],
  });
});
after(async () => t?.dispose());

test("newest first, 20 per page, distinct participant counts", async () => {
  const p1 = await listSessions(t.db, {});
  assert.equal(p1.total, 28);
  assert.equal(p1.pageCount, 2);
  assert.equal(p1.rows.length, 20);
  assert.ok(p1.rows.every((r, i) => i === 0 || r.startedAt <= p1.rows[i - 1].startedAt), "sorted desc");
  assert.equal(p1.rows[0].meetingTitle, '=HYPERLINK("x")');
  assert.equal(p1.rows[0].durationMs, null, "open session");
  const p2 = await listSessions(t.db, {}, { page: 2 });
  assert.equal(p2.rows.length, 8);
  const first = p2.rows.find((r) => r.id === sessionIds[0])!;
  assert.equal(first.participants, 3);
  assert.equal(first.peakParticipants, 2);
  assert.equal(first.durationMs, 45 * 60_000);
  assert.equal(first.hostName, "Alice");
  // Out-of-range pages clamp.
  assert.equal((await listSessions(t.db, {}, { page: 99 })).page, 2);
});

test("filters: host and inclusive day range in the viewer's zone", async () => {
  const byBob = await listSessions(t.db, parseHistoryQuery({ host: bob.id }).filters);
  assert.equal(byBob.total, 3);
  const jan = parseHistoryQuery({ from: "2030-01-05", to: "2030-01-07" });
  assert.deepEqual(jan.errors, []);
  assert.equal((await listSessions(t.db, jan.filters)).total, 3);
  // Bob's sessions start 23:30 UTC = next day in Paris (00:30 CET).
  const utc = parseHistoryQuery({ from: "2030-02-01", to: "2030-02-01", host: bob.id });
  assert.equal((await listSessions(t.db, utc.filters)).total, 1);
  const paris = parseHistoryQuery({ from: "2030-02-01", to: "2030-02-01", host: bob.id, tz: "Europe/Paris" });
  assert.equal((await listSessions(t.db, paris.filters)).total, 0);
  const paris2 = parseHistoryQuery({ from: "2030-02-02", to: "2030-02-04", tz: "Europe/Paris" });
  assert.equal((await listSessions(t.db, paris2.filters)).total, 3);
  // Bad input is reported, not thrown.
  assert.equal(parseHistoryQuery({ from: "yesterday" }).errors.length, 1);
  assert.equal(parseHistoryQuery({ from: "2030-02-05", to: "2030-02-01" }).errors.length, 1);
  assert.equal(parseHistoryQuery({ page: "-3" }).query.page, 1);
  assert.equal(parseHistoryQuery({ tz: "Nope/Nope" }).query.tz, "UTC");
});

test("hosts for the filter: only users with meetings", async () => {
  const hosts = await listHosts(t.db);
  assert.deepEqual(hosts.map((h) => h.email), ["alice@example.com", "bob@example.com"]);
});

test("session detail lists every attendance with quality", async () => {
  const d = await getSessionDetail(t.db, sessionIds[0], new Date(Date.UTC(2030, 0, 1, 10, 31)));
  assert.ok(d);
  assert.equal(d.attendances.length, 3);
  assert.equal(d.session.participants, 3);
  const [a1, gus] = d.attendances;
  assert.equal(a1.displayName, "Alice");
  assert.equal(a1.userEmail, "alice@example.com");
  assert.equal(a1.durationMs, 43 * 60_000, "summed in-meeting time");
  assert.equal(a1.joinCount, 2);
  assert.equal(a1.role, "host");
  assert.equal(gus.durationMs, 30 * 60_000, "still in: counted up to now");
  assert.equal(a1.meanRttMs, 42.4);
  assert.equal(gus.isGuest, true);
  assert.equal(gus.leftAt, null);
  assert.equal(await getSessionDetail(t.db, "nope"), null);
});

test("CSV: header with attendance columns, one line per person, escaping, formula guard, filters", async () => {
  const sessions = await listAllSessionsWithAttendance(t.db, parseHistoryQuery({}).filters, undefined, new Date(Date.UTC(2030, 0, 1, 10, 31)));
  assert.equal(sessions.length, 28);
  const csv = historyWithAttendanceToCsv(sessions);
  const lines = csv.trimEnd().split("\r\n");
  assert.equal(lines.length, 1 + 27 + 3, "27 sessions without attendance, 3 people in the first");
  assert.equal(
    lines[0],
    "session_id,meeting_id,meeting_title,host_name,host_email,started_at_utc,ended_at_utc,duration_seconds,participants,peak_participants," +
      "participant_name,participant_email,role,first_join_utc,last_leave_utc,in_meeting_seconds,joins,reconnects," +
      "up_loss_mean_pct,up_loss_max_pct,rtt_mean_ms,send_kbps_mean,recv_kbps_mean,up_score_mean," +
      "down_loss_mean_pct,down_loss_max_pct,down_jitter_mean_ms,down_score_mean,down_available_kbps_mean",
  );
  // Formula-looking titles are defused, quotes doubled.
  assert.ok(lines[1].includes(`"'=HYPERLINK(""x"")"`), lines[1]);
  const aliceLines = lines.filter((l) => l.startsWith(sessionIds[0]));
  assert.equal(aliceLines.length, 3);
  assert.ok(aliceLines[0].includes(`,"Weekly, ""sync""",Alice,alice@example.com,2030-01-01T10:00:00.000Z,2030-01-01T10:45:00.000Z,2700,3,2,`), aliceLines[0]);
  assert.ok(aliceLines[0].endsWith(",Alice,alice@example.com,host,2030-01-01T10:00:00.000Z,2030-01-01T10:45:00.000Z,2580,2,0,0.5,3,42.4,812.6,1500,,,,,,"), aliceLines[0]);
  const bobOnly = historyWithAttendanceToCsv(await listAllSessionsWithAttendance(t.db, parseHistoryQuery({ host: bob.id }).filters));
  assert.equal(bobOnly.trimEnd().split("\r\n").length, 4);
  // the per-session export
  const d = (await getSessionDetail(t.db, sessionIds[0]))!;
  const one = attendanceToCsv(d.session, d.attendances).trimEnd().split("\r\n");
  assert.equal(one.length, 4);
  assert.ok(one[0].startsWith("session_id,meeting_title,session_started_utc,participant_name,"));
  assert.ok(one.some((l) => l.includes(",Gus,,guest,")));
});

test("formatting helpers", () => {
  assert.equal(csvField('a"b'), '"a""b"');
  assert.equal(csvField("line\nbreak"), '"line\nbreak"');
  assert.equal(csvField("-1"), "'-1");
  assert.equal(csvField(-1), "-1");
  assert.equal(csvField(null), "");
  assert.equal(formatDuration(3_900_000), "1h 05m");
  assert.equal(formatDuration(750_000), "12m 30s");
  assert.equal(formatDuration(null), "ongoing");
  assert.equal(formatLossPercent(0.5), "0.5%");
  assert.equal(formatLossPercent(12.3), "12%");
  assert.equal(formatLossPercent(null), "–");
  assert.equal(historySearch({ from: "2030-01-01", to: "", host: "h1", tz: "Europe/Paris" }, 2), "?from=2030-01-01&host=h1&tz=Europe%2FParis&page=2");
  assert.equal(historySearch({ from: "", to: "", host: "", tz: "UTC" }), "");
});
