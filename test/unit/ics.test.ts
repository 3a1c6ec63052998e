import { test } from "node:test";
import assert from "node:assert/strict";
import { buildMeetingIcs, icsFileName } from "@/lib/meetings/ics";

/** Unfolds RFC 5545 continuation lines. */
const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, "");

const meeting = {
  id: "cm123",
  title: "Planning, Q3; \"big\" one",
  description: "Agenda:\n1. budget",
  startsAt: new Date("2030-03-31T00:30:00Z"), // 02:30 CEST in Paris
  durationMinutes: 90,
  status: "scheduled" as const,
};
const url = "https://meet.example.com/j/AbC_dEf-1234567890abcdefghijkl";

test(".ics has a UTC start, a duration, the invite URL and the organizer", () => {
  const raw = buildMeetingIcs(meeting, { name: "Hana Host", email: "hana@example.com" }, url);
  assert.ok(raw.includes("\r\n"), "CRLF line endings");
  const ics = unfold(raw);
  const lines = ics.split("\r\n");
  assert.equal(lines[0], "BEGIN:VCALENDAR");
  assert.ok(lines.includes("BEGIN:VEVENT") && lines.includes("END:VEVENT"));
  assert.ok(lines.includes("DTSTART:20300331T003000Z"), ics);
  const hasDuration = lines.includes("DURATION:PT1H30M");
  const hasEnd = lines.includes("DTEND:20300331T020000Z");
  assert.ok(hasDuration || hasEnd, "DURATION or DTEND");
  assert.ok(lines.includes(`URL:${url}`), "URL");
  assert.ok(lines.some((l) => /^ORGANIZER;CN="?Hana Host"?:mailto:hana@example\.com$/.test(l)), "ORGANIZER");
  assert.ok(lines.includes("UID:cm123@meet"), "UID independent of the host name");
  assert.ok(lines.includes("SEQUENCE:0"));
  assert.ok(!lines.some((l) => l.startsWith("METHOD:")), "a download has no iTIP method");
  assert.ok(lines.includes("STATUS:CONFIRMED"));
  // Text values are escaped.
  assert.ok(lines.includes('SUMMARY:Planning\\, Q3\\; "big" one'), "SUMMARY escaped");
  assert.ok(lines.some((l) => l.startsWith("DESCRIPTION:Agenda:\\n1. budget\\n\\nJoin: https://meet.example.com/j/")));
  // No line longer than 75 octets before unfolding.
  for (const l of raw.split("\r\n")) assert.ok(Buffer.byteLength(l) <= 75, l);
});

test("cancelled meetings say so; awkward organizer names stay valid", () => {
  const ics = unfold(
    buildMeetingIcs({ ...meeting, status: "cancelled", durationMinutes: 45 }, { name: 'Evil "Name"; X:Y', email: "e@example.com" }, url),
  );
  assert.ok(ics.includes("STATUS:CANCELLED"));
  assert.ok(ics.includes("DURATION:PT45M") || ics.includes("DTEND:20300331T011500Z"));
  const org = ics.split("\r\n").find((l) => l.startsWith("ORGANIZER"));
  assert.ok(org && !/"[^"]*"[^:]*"/.test(org), org);
  assert.ok(org!.endsWith(":mailto:e@example.com"), org);
  // Host without a name: the email is the CN.
  const noName = unfold(buildMeetingIcs(meeting, { name: null, email: "n@example.com" }, url));
  assert.ok(/ORGANIZER;CN="?n@example\.com"?:mailto:n@example\.com/.test(noName));
});

test("long and non-ASCII lines are folded at 75 octets without splitting characters", () => {
  const raw = buildMeetingIcs(
    { ...meeting, title: "Réunion ".repeat(30), description: "日本語のテキスト".repeat(20) },
    { name: "Zoë Ünïcode-Name ".repeat(4), email: "zoe@example.com" },
    url,
  );
  for (const l of raw.split("\r\n")) {
    assert.ok(Buffer.byteLength(l) <= 75, l);
    assert.ok(!l.includes("\uFFFD"));
  }
  const ics = unfold(raw);
  assert.ok(ics.includes("SUMMARY:" + "Réunion ".repeat(30).trim()) || ics.includes("SUMMARY:" + "Réunion ".repeat(30)));
  assert.ok(ics.includes("日本語のテキスト".repeat(20)));
  assert.ok(/\r\nORGANIZER;[^\r\n]*:mailto:zoe@example\.com\r\n/.test(ics));
});

test("file names are safe", () => {
  assert.equal(icsFileName("Planning, Q3; \"big\" one"), "Planning-Q3-big-one.ics");
  assert.equal(icsFileName("日本語"), "meeting.ics");
  assert.equal(icsFileName("Café résumé"), "Cafe-resume.ics");
});
