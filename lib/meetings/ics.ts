// iCalendar (RFC 5545 / iTIP RFC 5546) for a meeting: the download and the invitation mails.
//
// - UID is `<meeting id>@meet`: the same whatever host name served the request, so a
//   calendar that got the invitation recognises the update or the cancel.
// - SEQUENCE is the meeting's icsSequence, raised on every change attendees must follow.
// - One-off meetings: DTSTART in UTC. Series: DTSTART;TZID=<host's zone> + VTIMEZONE +
//   RRULE (+ EXDATE for cancelled occurrences, and one VEVENT with RECURRENCE-ID per moved
//   occurrence), so the local time holds across DST.
// - METHOD:REQUEST for invitations and updates, METHOD:CANCEL (STATUS:CANCELLED) for a
//   cancel; no METHOD for the plain download.
import { icsUtc, parseRecurrenceRule, expandOccurrences } from "@/lib/meetings/recurrence";
import type { OccurrenceOverride } from "@/lib/meetings/occurrences";
import { wallTimeOf } from "@/lib/time/zoned";
import { vtimezoneLines } from "@/lib/meetings/vtimezone";

export interface IcsMeeting {
  id: string;
  title: string;
  description: string;
  startsAt: Date;
  durationMinutes: number;
  status: "scheduled" | "cancelled";
  timeZone?: string;
  recurrenceRule?: string | null;
  icsSequence?: number;
  updatedAt?: Date;
}

export interface IcsHost {
  name: string | null;
  email: string;
}

export interface IcsOptions {
  method?: "REQUEST" | "CANCEL";
  attendees?: string[];
  overrides?: OccurrenceOverride[];
  now?: Date;
}

export function meetingUid(meetingId: string): string {
  return `${meetingId}@meet`;
}

/** RFC 5545 3.3.11 TEXT escaping. */
export function icsText(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n");
}

/** Strips characters that would break a quoted iCalendar parameter value (CN="..."). */
function paramSafe(s: string): string {
  return s.replace(/["\r\n;:,\\]/g, " ").replace(/\s+/g, " ").trim();
}

function duration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `PT${h ? `${h}H` : ""}${m || !h ? `${m}M` : ""}`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** 20300310T090000 in `timeZone` (for ;TZID= values). */
function icsLocal(d: Date, timeZone: string): string {
  const w = wallTimeOf(d, timeZone);
  return `${pad(w.year, 4)}${pad(w.month)}${pad(w.day)}T${pad(w.hour)}${pad(w.minute)}${pad(w.second)}`;
}

export function buildMeetingIcs(meeting: IcsMeeting, host: IcsHost, inviteUrl: string, opts: IcsOptions = {}): string {
  const now = opts.now ?? new Date();
  const cancel = opts.method === "CANCEL" || meeting.status === "cancelled";
  const spec = parseRecurrenceRule(meeting.recurrenceRule);
  const tz = spec ? meeting.timeZone ?? "UTC" : null;
  const when = (d: Date, prop: string) => (tz ? `${prop};TZID=${tz}:${icsLocal(d, tz)}` : `${prop}:${icsUtc(d)}`);
  const description = [meeting.description.trim(), `Join: ${inviteUrl}`].filter(Boolean).join("\n\n");
  const organizerName = paramSafe(host.name ?? "") || host.email;
  const common = [
    `UID:${meetingUid(meeting.id)}`,
    `SEQUENCE:${meeting.icsSequence ?? 0}`,
    `DTSTAMP:${icsUtc(now)}`,
    `ORGANIZER;CN="${organizerName}":mailto:${host.email}`,
    ...(opts.attendees ?? []).map((a) => `ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${a}`),
    `URL:${inviteUrl}`,
    `LOCATION:${icsText(inviteUrl)}`,
    ...(meeting.updatedAt ? [`LAST-MODIFIED:${icsUtc(meeting.updatedAt)}`] : []),
  ];
  const overrides = opts.overrides ?? [];
  const cancelled = overrides.filter((o) => o.cancelled);
  const moved = overrides.filter((o) => !o.cancelled);
  const master = [
    "BEGIN:VEVENT",
    ...common,
    when(meeting.startsAt, "DTSTART"),
    `DURATION:${duration(meeting.durationMinutes)}`,
    ...(spec ? [`RRULE:${meeting.recurrenceRule!.replace(/^RRULE:/i, "")}`] : []),
    ...(spec && cancelled.length ? [`EXDATE;TZID=${tz}:${cancelled.map((o) => icsLocal(o.originalStartsAt, tz!)).join(",")}`] : []),
    `SUMMARY:${icsText(meeting.title)}`,
    `DESCRIPTION:${icsText(description)}`,
    `STATUS:${cancel ? "CANCELLED" : "CONFIRMED"}`,
    "END:VEVENT",
  ];
  const extra = spec && !cancel
    ? moved.flatMap((o) => [
        "BEGIN:VEVENT",
        ...common,
        when(o.originalStartsAt, "RECURRENCE-ID"),
        when(o.startsAt, "DTSTART"),
        `DURATION:${duration(o.durationMinutes)}`,
        `SUMMARY:${icsText(meeting.title)}`,
        `DESCRIPTION:${icsText(description)}`,
        "STATUS:CONFIRMED",
        "END:VEVENT",
      ])
    : [];
  let timezone: string[] = [];
  if (tz) {
    const last = spec!.count || spec!.until
      ? expandOccurrences(spec!, meeting.startsAt, tz, { limit: 1000 }).at(-1) ?? meeting.startsAt
      : new Date(meeting.startsAt.getTime() + 10 * 365 * 86_400_000);
    const latestMove = moved.reduce((t, o) => Math.max(t, o.startsAt.getTime()), last.getTime());
    timezone = vtimezoneLines(tz, meeting.startsAt, new Date(latestMove));
  }
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//meet//meet//EN",
    "CALSCALE:GREGORIAN",
    ...(opts.method ? [`METHOD:${opts.method}`] : []),
    ...timezone,
    ...master,
    ...extra,
    "END:VCALENDAR",
  ];
  return lines.map(foldIcsLine).join("\r\n") + "\r\n";
}

/** Splits iCalendar text into logical lines (continuation lines joined). */
export function unfoldIcs(ics: string): string[] {
  return ics.replace(/\r?\n[ \t]/g, "").split(/\r?\n/);
}

/** RFC 5545 3.1: lines longer than 75 octets continue on lines starting with a space
 * (never splitting a UTF-8 character). */
export function foldIcsLine(line: string): string {
  if (Buffer.byteLength(line) <= 75) return line;
  const parts: string[] = [];
  let current = "";
  let bytes = 0;
  let limit = 75;
  for (const ch of line) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > limit) {
      parts.push(current);
      current = "";
      bytes = 0;
      limit = 74; // continuation lines start with one space
    }
    current += ch;
    bytes += n;
  }
  parts.push(current);
  return parts.join("\r\n ");
}

/** A file name for Content-Disposition (ASCII, no quotes). */
export function icsFileName(title: string): string {
  const base = title
    .normalize("NFKD")
    .replace(/[^\w\s-]/g, "")
    .trim()
    .replace(/\s+/g, "-")
    .slice(0, 60);
  return `${base || "meeting"}.ics`;
}
