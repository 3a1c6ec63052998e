// Wall-clock time in an IANA zone <-> UTC instants, with Intl only (no date library).
//
// Meetings are stored as a UTC instant plus the IANA zone the host scheduled in
// (cal.com style). The form sends a `datetime-local` value ("2030-03-10T09:30") and a zone;
// zonedWallTimeToUtc() turns that into the instant. DST rules follow Temporal's
// "compatible" disambiguation:
//   - a wall time that happens twice (autumn fall-back overlap) -> the EARLIER instant;
//   - a wall time that never happens (spring-forward gap) -> shifted forward by the gap
//     (New York 2024-03-10 02:30 -> 03:30 EDT).
// Pure functions; safe on the server and in the browser.

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second?: number;
}

const DAY_MS = 86_400_000;
const formatterCache = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatterCache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatterCache.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is an IANA zone name this runtime knows (e.g. "Europe/Paris", "UTC"). */
export function isValidTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== "string" || timeZone.length === 0 || timeZone.length > 64) return false;
  // Names only: no raw offsets like "+01:00" (newer runtimes accept them, they have no DST rules).
  if (!/^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*$/.test(timeZone)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock fields of `instant` as seen in `timeZone`. */
export function wallTimeOf(instant: Date | number, timeZone: string): Required<WallTime> {
  const ms = typeof instant === "number" ? instant : instant.getTime();
  const parts = formatterFor(timeZone).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? "0");
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour") % 24,
    minute: get("minute"),
    second: get("second"),
  };
}

function wallAsUtcMs(w: WallTime): number {
  const d = new Date(0);
  d.setUTCFullYear(w.year, w.month - 1, w.day);
  d.setUTCHours(w.hour, w.minute, w.second ?? 0, 0);
  return d.getTime();
}

/** Offset of `timeZone` from UTC at `instant`, in ms (Paris in winter: +3_600_000). */
export function timeZoneOffsetMs(instant: Date | number, timeZone: string): number {
  const ms = typeof instant === "number" ? instant : instant.getTime();
  const whole = Math.floor(ms / 1000) * 1000; // Intl drops milliseconds
  return wallAsUtcMs(wallTimeOf(whole, timeZone)) - whole;
}

/** Parses "YYYY-MM-DDTHH:mm" or "YYYY-MM-DDTHH:mm:ss" (what <input type="datetime-local"> sends). */
export function parseWallTime(value: string): WallTime | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?$/.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((s) => (s === undefined ? 0 : Number(s)));
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  return { year, month, day, hour, minute, second };
}

/**
 * The UTC instant at which the wall clock in `timeZone` shows `wall`.
 * Throws on an invalid zone or unparsable string.
 */
export function zonedWallTimeToUtc(wall: WallTime | string, timeZone: string): Date {
  if (!isValidTimeZone(timeZone)) throw new RangeError(`unknown time zone: ${timeZone}`);
  const w = typeof wall === "string" ? parseWallTime(wall) : wall;
  if (!w) throw new RangeError(`invalid date-time: ${String(wall)}`);
  const naive = wallAsUtcMs(w);
  // The offsets a day before and after cover any transition near this wall time.
  const before = timeZoneOffsetMs(naive - DAY_MS, timeZone);
  const after = timeZoneOffsetMs(naive + DAY_MS, timeZone);
  const candidates = [...new Set([naive - before, naive - after])]
    .filter((t) => wallAsUtcMs(wallTimeOf(t, timeZone)) === naive)
    .sort((a, b) => a - b);
  if (candidates.length > 0) return new Date(candidates[0]); // overlap -> earlier
  // Gap: read the wall time with the pre-transition offset, which lands after the jump.
  return new Date(naive - before);
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** `instant` as a "YYYY-MM-DDTHH:mm" wall time in `timeZone` (for datetime-local inputs). */
export function utcToZonedInputValue(instant: Date | number, timeZone: string): string {
  const w = wallTimeOf(instant, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

/** Start of the calendar day "YYYY-MM-DD" in `timeZone`, as a UTC instant. */
export function zonedDayStartToUtc(date: string, timeZone: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const w = parseWallTime(`${date}T00:00`);
  if (!w || !isValidTimeZone(timeZone)) return null;
  return zonedWallTimeToUtc(w, timeZone);
}

/** Start of the day AFTER "YYYY-MM-DD" in `timeZone` (an exclusive end bound for "to" filters). */
export function zonedDayEndToUtc(date: string, timeZone: string): Date | null {
  const w = parseWallTime(`${date}T00:00`);
  if (!w || !isValidTimeZone(timeZone)) return null;
  const next = new Date(Date.UTC(w.year, w.month - 1, w.day + 1));
  return zonedWallTimeToUtc(
    { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate(), hour: 0, minute: 0 },
    timeZone,
  );
}
