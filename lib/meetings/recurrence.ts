// Recurring meetings: an RFC 5545 RRULE (daily, weekly on chosen weekdays, monthly; until a
// date or for a count) read in the WALL TIME of the host's zone. Occurrences are generated
// as local dates + the series' local start time and only then turned into UTC instants, so
// a 09:00 Europe/Berlin weekly meeting stays at 09:00 Berlin time across DST changes.
// Pure functions (server and browser).
import { wallTimeOf, zonedDayEndToUtc, zonedWallTimeToUtc } from "@/lib/time/zoned";

export const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const WEEKDAY_LABELS: Record<Weekday, string> = { MO: "Mon", TU: "Tue", WE: "Wed", TH: "Thu", FR: "Fri", SA: "Sat", SU: "Sun" };

export type Repeat = "none" | "daily" | "weekly" | "monthly";
export type RepeatEnd = "never" | "until" | "count";

/** What the meeting form asks. */
export interface RecurrenceChoice {
  repeat: Repeat;
  interval: number;
  weekdays: Weekday[];
  end: RepeatEnd;
  /** "YYYY-MM-DD", inclusive, in the meeting's zone. */
  until?: string;
  count?: number;
}

/** A parsed rule. */
export interface RecurrenceSpec {
  freq: "DAILY" | "WEEKLY" | "MONTHLY";
  interval: number;
  byDay: Weekday[];
  count?: number;
  until?: Date;
}

export const MAX_COUNT = 500;
/** Hard stop for expansion loops (a rule that never matches must not spin). */
const MAX_STEPS = 20_000;

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** 20300310T080000Z */
export function icsUtc(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
}

function parseIcsUtc(v: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$/.exec(v);
  if (!m) return null;
  const [y, mo, d, h = "0", mi = "0", s = "0"] = m.slice(1);
  const t = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
  return Number.isFinite(t) ? new Date(t) : null;
}

/** The form's choice -> RRULE value (null for "none"). UNTIL is the end of that day in `timeZone`, in UTC. */
export function recurrenceRuleFromChoice(c: RecurrenceChoice, start: Date, timeZone: string): string | null {
  if (c.repeat === "none") return null;
  const parts = [`FREQ=${c.repeat.toUpperCase()}`];
  if (c.interval > 1) parts.push(`INTERVAL=${c.interval}`);
  if (c.repeat === "weekly") {
    const days = c.weekdays.length ? c.weekdays : [weekdayOf(start, timeZone)];
    parts.push(`BYDAY=${WEEKDAYS.filter((d) => days.includes(d)).join(",")}`);
  }
  if (c.end === "count" && c.count) parts.push(`COUNT=${c.count}`);
  if (c.end === "until" && c.until) {
    const end = zonedDayEndToUtc(c.until, timeZone);
    if (end) parts.push(`UNTIL=${icsUtc(new Date(end.getTime() - 1000))}`);
  }
  return parts.join(";");
}

/** RRULE value -> spec; null when it is not one we generate (FREQ DAILY/WEEKLY/MONTHLY, INTERVAL, BYDAY, COUNT/UNTIL). */
export function parseRecurrenceRule(rule: string | null | undefined): RecurrenceSpec | null {
  if (!rule) return null;
  const fields = new Map<string, string>();
  for (const part of rule.replace(/^RRULE:/i, "").split(";")) {
    const [k, v] = part.split("=");
    if (!k || v === undefined) return null;
    fields.set(k.toUpperCase(), v.toUpperCase());
  }
  const freq = fields.get("FREQ");
  if (freq !== "DAILY" && freq !== "WEEKLY" && freq !== "MONTHLY") return null;
  const interval = Number(fields.get("INTERVAL") ?? "1");
  if (!Number.isInteger(interval) || interval < 1 || interval > 99) return null;
  const byDay = (fields.get("BYDAY")?.split(",") ?? []).filter(Boolean);
  if (byDay.some((d) => !(WEEKDAYS as readonly string[]).includes(d))) return null;
  const spec: RecurrenceSpec = { freq, interval, byDay: byDay as Weekday[] };
  if (fields.has("COUNT")) {
    const count = Number(fields.get("COUNT"));
    if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) return null;
    spec.count = count;
  }
  if (fields.has("UNTIL")) {
    const until = parseIcsUtc(fields.get("UNTIL")!);
    if (!until) return null;
    spec.until = until;
  }
  return spec;
}

/** The form's choice back from a stored rule (edit form defaults). */
export function choiceFromRule(rule: string | null | undefined, timeZone: string): RecurrenceChoice {
  const spec = parseRecurrenceRule(rule);
  if (!spec) return { repeat: "none", interval: 1, weekdays: [], end: "never" };
  const c: RecurrenceChoice = { repeat: spec.freq.toLowerCase() as Repeat, interval: spec.interval, weekdays: spec.byDay, end: "never" };
  if (spec.count) Object.assign(c, { end: "count", count: spec.count });
  if (spec.until) {
    const w = wallTimeOf(spec.until, timeZone);
    Object.assign(c, { end: "until", until: `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}` });
  }
  return c;
}

function weekdayIndexOfDate(y: number, m: number, d: number): number {
  return (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7; // 0 = Monday
}

export function weekdayOf(instant: Date, timeZone: string): Weekday {
  const w = wallTimeOf(instant, timeZone);
  return WEEKDAYS[weekdayIndexOfDate(w.year, w.month, w.day)];
}

function addDays(y: number, m: number, d: number, n: number): [number, number, number] {
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()];
}

/**
 * The series' occurrence starts (UTC) in order, from the first (= `start`) on; stops at
 * COUNT/UNTIL, at `limit` results, or once past `before` (loops are bounded in any case).
 */
export function expandOccurrences(
  spec: RecurrenceSpec,
  start: Date,
  timeZone: string,
  opts: { limit?: number; before?: Date } = {},
): Date[] {
  const limit = Math.min(opts.limit ?? Infinity, spec.count ?? Infinity);
  const w = wallTimeOf(start, timeZone);
  const out: Date[] = [];
  let emitted = 0;
  const push = (y: number, m: number, d: number): boolean => {
    const at = zonedWallTimeToUtc({ year: y, month: m, day: d, hour: w.hour, minute: w.minute, second: w.second }, timeZone);
    if (at < start) return true; // before the series start (first week / month)
    if (spec.until && at > spec.until) return false;
    if (opts.before && at >= opts.before) return false;
    out.push(at);
    emitted += 1;
    return emitted < limit;
  };
  if (spec.freq === "DAILY") {
    for (let i = 0; i < MAX_STEPS; i++) {
      const [y, m, d] = addDays(w.year, w.month, w.day, i * spec.interval);
      if (!push(y, m, d)) break;
    }
  } else if (spec.freq === "WEEKLY") {
    const days = (spec.byDay.length ? spec.byDay : [WEEKDAYS[weekdayIndexOfDate(w.year, w.month, w.day)]])
      .map((d) => WEEKDAYS.indexOf(d))
      .sort((a, b) => a - b);
    const monday = addDays(w.year, w.month, w.day, -weekdayIndexOfDate(w.year, w.month, w.day));
    outer: for (let week = 0; week < MAX_STEPS; week++) {
      for (const idx of days) {
        const [y, m, d] = addDays(monday[0], monday[1], monday[2], week * 7 * spec.interval + idx);
        if (!push(y, m, d)) break outer;
      }
    }
  } else {
    for (let i = 0; i < MAX_STEPS; i++) {
      const months = w.month - 1 + i * spec.interval;
      const y = w.year + Math.floor(months / 12);
      const m = (months % 12) + 1;
      const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
      if (w.day > daysInMonth) continue; // RFC 5545: months without that day are skipped
      if (!push(y, m, w.day)) break;
    }
  }
  return out;
}

/** "Weekly on Mon, Wed · 10 times" */
export function describeRecurrence(rule: string | null | undefined, timeZone: string): string | null {
  const spec = parseRecurrenceRule(rule);
  if (!spec) return null;
  const every = spec.interval > 1 ? `Every ${spec.interval} ${{ DAILY: "days", WEEKLY: "weeks", MONTHLY: "months" }[spec.freq]}` : { DAILY: "Daily", WEEKLY: "Weekly", MONTHLY: "Monthly" }[spec.freq];
  const on = spec.freq === "WEEKLY" && spec.byDay.length ? ` on ${spec.byDay.map((d) => WEEKDAY_LABELS[d]).join(", ")}` : "";
  const end = spec.count ? ` · ${spec.count} times` : spec.until ? ` · until ${choiceFromRule(rule, timeZone).until}` : "";
  return `${every}${on}${end}`;
}
