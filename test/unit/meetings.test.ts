// Meeting form -> stored data, host-only operations, dashboard lists.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { freshDb, type TestDb } from "./db-helper";
import { meetingFormSchema } from "@/lib/meetings/schema";
import {
  createMeeting,
  getMeetingForHost,
  listMeetingsForHost,
  meetingDataFromForm,
  updateMeeting,
} from "@/lib/meetings/service";
import { findMeetingByInviteToken } from "@/lib/meetings/service";
import { generateInviteToken, inviteUrl, looksLikeInviteToken } from "@/lib/meetings/invite";

let t: TestDb;
let host: { id: string };
let other: { id: string };
before(async () => {
  t = await freshDb();
  host = await t.db.user.create({ data: { email: "h@example.com" } });
  other = await t.db.user.create({ data: { email: "o@example.com" } });
});
after(async () => t?.dispose());

const now = new Date("2030-03-01T12:00:00Z");
const form = (over: Record<string, unknown> = {}) =>
  meetingFormSchema.parse({
    title: " Retro ",
    description: "",
    start: "2030-03-31T02:30",
    timeZone: "Europe/Paris",
    durationMinutes: "45",
    requireSignIn: "on",
    ...over,
  });

test("form values: wall time in the chosen zone -> UTC (DST gap moves forward)", () => {
  const r = meetingDataFromForm(form(), { now });
  assert.ok(r.ok);
  if (!r.ok) return;
  // 02:30 does not exist in Paris on 2030-03-31 (clocks jump 02:00 -> 03:00): 03:30 CEST.
  assert.equal(r.data.startsAt.toISOString(), "2030-03-31T01:30:00.000Z");
  assert.equal(r.data.title, "Retro");
  assert.equal(r.data.durationMinutes, 45);
  assert.equal(r.data.requireSignIn, true);
  const winter = meetingDataFromForm(form({ start: "2030-01-10T09:00", timeZone: "America/New_York", requireSignIn: undefined }), { now: new Date("2029-01-01") });
  assert.ok(winter.ok && winter.data.startsAt.toISOString() === "2030-01-10T14:00:00.000Z" && !winter.data.requireSignIn);
});

test("form validation", () => {
  const bad = (over: Record<string, unknown>) => meetingFormSchema.safeParse({ title: "x", start: "2030-01-01T10:00", timeZone: "UTC", durationMinutes: 30, ...over });
  assert.ok(bad({}).success);
  assert.equal(bad({ title: "  " }).success, false);
  assert.equal(bad({ start: "2030-02-30T10:00" }).success, false);
  assert.equal(bad({ timeZone: "Mars/Base" }).success, false);
  assert.equal(bad({ durationMinutes: 0 }).success, false);
  assert.equal(bad({ durationMinutes: "abc" }).success, false);
  assert.equal(bad({ durationMinutes: 1441 }).success, false);
  assert.equal(bad({ durationMinutes: 12.5 }).success, false);
  // A start in the past is refused, except when an edit keeps the stored start.
  const past = meetingDataFromForm(form({ start: "2030-02-01T10:00" }), { now });
  assert.ok(!past.ok && past.field === "start");
  const keep = meetingDataFromForm(form({ start: "2030-02-01T10:00" }), { now, previousStartsAt: new Date("2030-02-01T09:00:00Z") });
  assert.ok(keep.ok);
});

test("invite tokens: >=128 bits, URL-safe, unique", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const tok = generateInviteToken();
    assert.match(tok, /^[A-Za-z0-9_-]{32}$/);
    assert.ok(looksLikeInviteToken(tok));
    seen.add(tok);
  }
  assert.equal(seen.size, 200);
  assert.equal(inviteUrl("https://x.example/", "abc"), "https://x.example/j/abc");
  assert.equal(looksLikeInviteToken("../../etc"), false);
});

test("host-only access, update, lists", async () => {
  const data = meetingDataFromForm(form({ start: "2030-04-01T10:00" }), { now });
  assert.ok(data.ok);
  if (!data.ok) return;
  const m = await createMeeting(t.db, host.id, data.data);
  assert.equal(m.timeZone, "Europe/Paris");
  assert.equal(m.status, "scheduled");
  assert.ok(looksLikeInviteToken(m.inviteToken));
  assert.equal((await getMeetingForHost(t.db, m.id, host.id)).ok, true);
  const o = await getMeetingForHost(t.db, m.id, other.id);
  assert.ok(!o.ok && o.reason === "forbidden");
  const nf = await getMeetingForHost(t.db, "missing", host.id);
  assert.ok(!nf.ok && nf.reason === "not_found");
  assert.equal(await updateMeeting(t.db, other.id, m.id, { ...data.data, title: "Hijack" }), null);
  const up = await updateMeeting(t.db, host.id, m.id, { ...data.data, title: "Renamed" });
  assert.equal(up?.meeting.title, "Renamed");
  assert.equal(up?.changed, true);
  assert.equal(up?.meeting.icsSequence, 1, "a calendar-visible change raises SEQUENCE");
  const same = await updateMeeting(t.db, host.id, m.id, { ...data.data, title: "Renamed", requireSignIn: !data.data.requireSignIn });
  assert.equal(same?.changed, false);
  assert.equal(same?.meeting.icsSequence, 1, "a change calendars need not follow keeps SEQUENCE");
  assert.equal((await findMeetingByInviteToken(t.db, m.inviteToken))?.id, m.id);

  const pastMeeting = await createMeeting(t.db, host.id, { ...data.data, title: "Old", startsAt: new Date("2030-02-01T10:00:00Z") });
  const live = await createMeeting(t.db, host.id, { ...data.data, title: "Live", startsAt: new Date(now.getTime() - 10 * 60_000), durationMinutes: 30 });
  const lists = await listMeetingsForHost(t.db, host.id, now);
  assert.deepEqual(lists.upcoming.map((x) => x.title), ["Live", "Renamed"]);
  assert.deepEqual(lists.past.map((x) => x.id), [pastMeeting.id]);
  assert.deepEqual((await listMeetingsForHost(t.db, other.id, now)).upcoming, []);
  void live;
});
