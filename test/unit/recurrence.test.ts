// Recurring meetings: RRULE in the host's zone, occurrence expansion across DST, overrides,
// and the .ics (TZID + VTIMEZONE + RRULE/EXDATE/RECURRENCE-ID) read back by ical.js.
import { test } from "node:test";
import assert from "node:assert/strict";
import ICAL from "ical.js";
import {
  choiceFromRule,
  describeRecurrence,
  expandOccurrences,
  parseRecurrenceRule,
  recurrenceRuleFromChoice,
} from "@/lib/meetings/recurrence";
import { isSeriesOccurrence, nextOccurrence, occurrencesOf } from "@/lib/meetings/occurrences";
import { buildMeetingIcs, unfoldIcs } from "@/lib/meetings/ics";
import { transitions, vtimezoneLines } from "@/lib/meetings/vtimezone";
import { utcToZonedInputValue, wallTimeOf, zonedWallTimeToUtc } from "@/lib/time/zoned";

const BERLIN = "Europe/Berlin";
const local = (d: Date, tz = BERLIN) => utcToZonedInputValue(d, tz);

test("weekly 09:00 Berlin across the March and October DST changes stays at 09:00 local", () => {
  const start = zonedWallTimeToUtc("2030-03-18T09:00", BERLIN); // Monday, CET (UTC+1)
  const rule = recurrenceRuleFromChoice({ repeat: "weekly", interval: 1, weekdays: ["MO"], end: "count", count: 34 }, start, BERLIN)!;
  assert.equal(rule, "FREQ=WEEKLY;BYDAY=MO;COUNT=34");
  const occ = expandOccurrences(parseRecurrenceRule(rule)!, start, BERLIN);
  assert.equal(occ.length, 34);
  assert.ok(occ.every((d) => local(d).endsWith("T09:00")), occ.map((d) => local(d)).join(" "));
  assert.equal(occ[0].toISOString(), "2030-03-18T08:00:00.000Z"); // CET
  assert.equal(occ[2].toISOString(), "2030-04-01T07:00:00.000Z"); // CEST after 31 March
  assert.equal(local(occ[33]), "2030-11-04T09:00");
  assert.equal(occ[33].toISOString(), "2030-11-04T08:00:00.000Z"); // CET again
});

test("weekly on several weekdays, every 2 weeks, until a local date (inclusive)", () => {
  const start = zonedWallTimeToUtc("2030-01-02T18:30", "America/New_York"); // Wednesday
  const rule = recurrenceRuleFromChoice({ repeat: "weekly", interval: 2, weekdays: ["FR", "MO", "WE"], end: "until", until: "2030-01-28" }, start, "America/New_York")!;
  assert.match(rule, /^FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR;UNTIL=20300129T045959Z$/);
  const got = expandOccurrences(parseRecurrenceRule(rule)!, start, "America/New_York").map((d) => local(d, "America/New_York"));
  assert.deepEqual(got, ["2030-01-02T18:30", "2030-01-04T18:30", "2030-01-14T18:30", "2030-01-16T18:30", "2030-01-18T18:30", "2030-01-28T18:30"]);
  assert.deepEqual(choiceFromRule(rule, "America/New_York"), { repeat: "weekly", interval: 2, weekdays: ["MO", "WE", "FR"], end: "until", until: "2030-01-28" });
  assert.equal(describeRecurrence(rule, "America/New_York"), "Every 2 weeks on Mon, Wed, Fri · until 2030-01-28");
});

test("daily and monthly; months without the day are skipped; bad rules are refused", () => {
  const start = zonedWallTimeToUtc("2030-01-31T10:00", "UTC");
  const monthly = expandOccurrences(parseRecurrenceRule("FREQ=MONTHLY;COUNT=4")!, start, "UTC").map((d) => local(d, "UTC"));
  assert.deepEqual(monthly, ["2030-01-31T10:00", "2030-03-31T10:00", "2030-05-31T10:00", "2030-07-31T10:00"]);
  const daily = expandOccurrences(parseRecurrenceRule("FREQ=DAILY;INTERVAL=3")!, start, "UTC", { limit: 3 }).map((d) => local(d, "UTC"));
  assert.deepEqual(daily, ["2030-01-31T10:00", "2030-02-03T10:00", "2030-02-06T10:00"]);
  for (const bad of ["FREQ=YEARLY", "FREQ=WEEKLY;BYDAY=XX", "FREQ=DAILY;COUNT=0", "FREQ=DAILY;INTERVAL=-1", "nonsense", "FREQ=DAILY;UNTIL=yesterday"]) {
    assert.equal(parseRecurrenceRule(bad), null, bad);
  }
});

test("occurrences: moved and cancelled ones; the next occurrence; membership", () => {
  const start = zonedWallTimeToUtc("2030-03-18T09:00", BERLIN);
  const m = { startsAt: start, durationMinutes: 30, timeZone: BERLIN, recurrenceRule: "FREQ=WEEKLY;BYDAY=MO;COUNT=5" };
  const all = expandOccurrences(parseRecurrenceRule(m.recurrenceRule)!, start, BERLIN);
  const overrides = [
    { originalStartsAt: all[1], startsAt: all[1], durationMinutes: 30, cancelled: true },
    { originalStartsAt: all[2], startsAt: zonedWallTimeToUtc("2030-04-02T15:00", BERLIN), durationMinutes: 60, cancelled: false },
  ];
  const list = occurrencesOf(m, overrides, { limit: 10 });
  assert.deepEqual(list.map((o) => local(o.startsAt)), ["2030-03-18T09:00", "2030-04-02T15:00", "2030-04-08T09:00", "2030-04-15T09:00"]);
  assert.equal(list[1].changed, true);
  assert.equal(list[1].durationMinutes, 60);
  // during the first occurrence it is still "next"; right after it, the moved one is
  assert.equal(local(nextOccurrence(m, overrides, new Date(start.getTime() + 10 * 60_000))!.startsAt), "2030-03-18T09:00");
  assert.equal(local(nextOccurrence(m, overrides, new Date(start.getTime() + 31 * 60_000))!.startsAt), "2030-04-02T15:00");
  assert.equal(nextOccurrence(m, overrides, new Date("2031-01-01T00:00:00Z")), null);
  assert.ok(isSeriesOccurrence(m, all[3]));
  assert.equal(isSeriesOccurrence(m, new Date(all[3].getTime() + 60_000)), false);
  const oneOff = { ...m, recurrenceRule: null };
  assert.equal(occurrencesOf(oneOff, []).length, 1);
});

test("VTIMEZONE: Berlin as yearly rules, UTC as one observance, transitions found to the minute", () => {
  const tr = transitions(BERLIN, Date.UTC(2030, 0, 1), Date.UTC(2031, 0, 1));
  assert.deepEqual(tr.map((t) => new Date(t.at).toISOString()), ["2030-03-31T01:00:00.000Z", "2030-10-27T01:00:00.000Z"]);
  const lines = vtimezoneLines(BERLIN, new Date("2030-03-18T08:00:00Z"), new Date("2030-12-01T00:00:00Z"));
  assert.ok(lines.includes("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"), lines.join("\n"));
  assert.ok(lines.includes("RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"));
  assert.ok(lines.includes("TZOFFSETTO:+0200") && lines.includes("TZOFFSETTO:+0100"));
  const utc = vtimezoneLines("UTC", new Date("2030-01-01T00:00:00Z"), new Date("2031-01-01T00:00:00Z"));
  assert.deepEqual(utc.filter((l) => l.startsWith("TZOFFSET")), ["TZOFFSETFROM:+0000", "TZOFFSETTO:+0000"]);
});

/** Expands the first VEVENT's recurrence with ical.js (using the file's own VTIMEZONE). */
function icalOccurrences(ics: string, max = 100): Date[] {
  const cal = new ICAL.Component(ICAL.parse(ics));
  for (const tz of cal.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(new ICAL.Timezone(tz));
  const events = cal.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
  const master = events.find((e) => !e.isRecurrenceException())!;
  for (const ex of events.filter((e) => e.isRecurrenceException())) master.relateException(ex);
  const it = master.iterator();
  const out: Date[] = [];
  for (let next = it.next(); next && out.length < max; next = it.next()) {
    out.push(master.getOccurrenceDetails(next).startDate.toJSDate());
  }
  return out;
}

test(".ics of a weekly series across DST: ical.js expands it to 09:00 Berlin every time; EXDATE and RECURRENCE-ID work", () => {
  const start = zonedWallTimeToUtc("2030-03-18T09:00", BERLIN);
  const meeting = {
    id: "series1",
    title: "Stand-up",
    description: "",
    startsAt: start,
    durationMinutes: 15,
    status: "scheduled" as const,
    timeZone: BERLIN,
    recurrenceRule: "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20301110T225959Z",
    icsSequence: 3,
  };
  const all = expandOccurrences(parseRecurrenceRule(meeting.recurrenceRule)!, start, BERLIN);
  const moved = zonedWallTimeToUtc("2030-04-05T11:00", BERLIN);
  const overrides = [
    { originalStartsAt: all[1], startsAt: all[1], durationMinutes: 15, cancelled: true },
    { originalStartsAt: all[4], startsAt: moved, durationMinutes: 15, cancelled: false },
  ];
  const ics = buildMeetingIcs(meeting, { name: "Hana", email: "hana@example.com" }, "https://m.example/j/x", {
    method: "REQUEST",
    attendees: ["a@example.com", "b@example.com"],
    overrides,
  });
  const lines = unfoldIcs(ics);
  assert.ok(lines.includes("METHOD:REQUEST"));
  assert.ok(lines.includes("DTSTART;TZID=Europe/Berlin:20300318T090000"), lines.join("\n"));
  assert.ok(lines.includes("SEQUENCE:3"));
  assert.ok(lines.includes("ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:a@example.com"));
  assert.ok(lines.some((l) => l.startsWith("EXDATE;TZID=Europe/Berlin:")));
  assert.ok(lines.some((l) => l.startsWith("RECURRENCE-ID;TZID=Europe/Berlin:")));
  const occ = icalOccurrences(ics);
  const expected = all.filter((_, i) => i !== 1).map((d, i) => (i === 3 ? moved : d));
  assert.equal(occ.length, expected.length);
  const isNine = (d: Date) => {
    const w = wallTimeOf(d, BERLIN);
    return w.hour === 9 && w.minute === 0;
  };
  assert.ok(occ.filter((d) => d.getTime() !== moved.getTime()).every(isNine), occ.map((d) => d.toISOString()).join(" "));
  assert.deepEqual(occ.map((d) => d.getTime()).sort(), expected.map((d) => d.getTime()).sort());
  assert.ok(occ.some((d) => d.toISOString() === "2030-03-18T08:00:00.000Z"), "winter: UTC+1");
  assert.ok(occ.some((d) => d.toISOString() === "2030-04-04T07:00:00.000Z"), "summer: UTC+2");
  assert.ok(occ.some((d) => d.toISOString() === "2030-11-04T08:00:00.000Z"), "winter again");
});

test(".ics CANCEL: METHOD:CANCEL, STATUS:CANCELLED, same UID", () => {
  const meeting = { id: "m9", title: "T", description: "", startsAt: new Date("2030-05-01T10:00:00Z"), durationMinutes: 30, status: "cancelled" as const, icsSequence: 2 };
  const lines = unfoldIcs(buildMeetingIcs(meeting, { name: null, email: "h@example.com" }, "https://x/j/y", { method: "CANCEL", attendees: ["a@example.com"] }));
  assert.ok(lines.includes("METHOD:CANCEL"));
  assert.ok(lines.includes("STATUS:CANCELLED"));
  assert.ok(lines.includes("UID:m9@meet"));
  assert.ok(lines.includes("SEQUENCE:2"));
});
