// iCalendar (.ics) export of a meeting: UTC DTSTART + DURATION, URL = invite link,
// ORGANIZER = host. Uses the `ics` package (RFC 5545 escaping and line folding).
import { createEvent, type EventAttributes } from "ics";

export interface IcsMeeting {
  id: string;
  title: string;
  description: string;
  startsAt: Date;
  durationMinutes: number;
  status: "scheduled" | "cancelled";
  updatedAt?: Date;
}

export interface IcsHost {
  name: string | null;
  email: string;
}

/** Strips characters that would break a quoted iCalendar parameter value (CN="..."). */
function paramSafe(s: string): string {
  return s.replace(/["\r\n;:,\\]/g, " ").replace(/\s+/g, " ").trim();
}

export function buildMeetingIcs(meeting: IcsMeeting, host: IcsHost, inviteUrl: string, productHost = "meet"): string {
  const description = [meeting.description.trim(), `Join: ${inviteUrl}`].filter(Boolean).join("\n\n");
  const hours = Math.floor(meeting.durationMinutes / 60);
  const minutes = meeting.durationMinutes % 60;
  const attrs: EventAttributes = {
    uid: `${meeting.id}@${paramSafe(productHost) || "meet"}`,
    productId: "meet/ics",
    title: meeting.title,
    description,
    start: meeting.startsAt.getTime(),
    startInputType: "utc",
    startOutputType: "utc",
    duration: hours ? { hours, minutes } : { minutes },
    url: inviteUrl,
    location: inviteUrl,
    status: meeting.status === "cancelled" ? "CANCELLED" : "CONFIRMED",
    organizer: { name: paramSafe(host.name ?? "") || host.email, email: host.email },
    ...(meeting.updatedAt ? { lastModified: meeting.updatedAt.getTime() } : {}),
  };
  const { error, value } = createEvent(attrs);
  if (error || !value) throw error ?? new Error("could not build the calendar file");
  // The URI scheme is case-insensitive; most calendars write "mailto:", so do we.
  const lines = unfoldIcs(value).map((l) => (l.startsWith("ORGANIZER") ? l.replace(/:MAILTO:/, ":mailto:") : l));
  return lines.map(foldIcsLine).join("\r\n");
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
