// VTIMEZONE for an IANA zone, derived from the runtime's own zone data (Intl): the UTC
// offset changes are found by scanning, and when the years around the meeting follow one
// yearly rule (e.g. "last Sunday of March") it is written as RRULE observances, else as the
// list of transitions in the years the series covers. Lets a recurring event carry
// DTSTART;TZID=Europe/Berlin so calendars keep it at 09:00 local across DST.
import { timeZoneOffsetMs, wallTimeOf } from "@/lib/time/zoned";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, "0");

function offsetText(ms: number): string {
  const min = Math.round(ms / 60_000);
  return `${min < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(min) / 60))}${pad(Math.abs(min) % 60)}`;
}

export interface Transition {
  /** The instant the offset changes. */
  at: number;
  from: number;
  to: number;
}

/** Offset changes of `timeZone` between two instants (minute precision). */
export function transitions(timeZone: string, fromMs: number, toMs: number): Transition[] {
  const out: Transition[] = [];
  let t = fromMs;
  let off = timeZoneOffsetMs(t, timeZone);
  while (t < toMs) {
    const next = Math.min(t + 7 * DAY, toMs);
    const nextOff = timeZoneOffsetMs(next, timeZone);
    if (nextOff !== off) {
      let lo = t;
      let hi = next;
      while (hi - lo > 60_000) {
        const mid = Math.floor((lo + hi) / 2 / 60_000) * 60_000;
        if (mid <= lo) break;
        if (timeZoneOffsetMs(mid, timeZone) === off) lo = mid;
        else hi = mid;
      }
      out.push({ at: hi, from: off, to: timeZoneOffsetMs(hi, timeZone) });
      off = timeZoneOffsetMs(hi, timeZone);
      t = hi;
      continue;
    }
    t = next;
  }
  return out;
}

/** Local wall time (in the offset before the change) as 19700329T020000. */
function localStamp(at: number, offset: number): string {
  const d = new Date(at + offset);
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}00`;
}

const DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];

/** The yearly rule of a transition: "BYMONTH=3;BYDAY=-1SU" style, from its local date. */
function yearlyRule(tr: Transition): string {
  const d = new Date(tr.at + tr.from);
  const day = d.getUTCDate();
  const daysInMonth = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  const nth = day + 7 > daysInMonth ? -1 : Math.ceil(day / 7);
  return `FREQ=YEARLY;BYMONTH=${d.getUTCMonth() + 1};BYDAY=${nth}${DAYS[d.getUTCDay()]}`;
}

function sameLocalTime(a: Transition, b: Transition): boolean {
  const x = new Date(a.at + a.from);
  const y = new Date(b.at + b.from);
  return x.getUTCHours() === y.getUTCHours() && x.getUTCMinutes() === y.getUTCMinutes();
}

function observance(tr: Transition, rrule?: string): string[] {
  const kind = tr.to > tr.from ? "DAYLIGHT" : "STANDARD";
  return [
    `BEGIN:${kind}`,
    `DTSTART:${localStamp(tr.at, tr.from)}`,
    `TZOFFSETFROM:${offsetText(tr.from)}`,
    `TZOFFSETTO:${offsetText(tr.to)}`,
    ...(rrule ? [`RRULE:${rrule}`] : []),
    `END:${kind}`,
  ];
}

/**
 * VTIMEZONE lines for `timeZone`, valid from a year before `from` to a year after `to`
 * (the instants the calendar data covers).
 */
export function vtimezoneLines(timeZone: string, from: Date, to: Date): string[] {
  const startYear = wallTimeOf(from, timeZone).year - 1;
  const endYear = Math.min(wallTimeOf(to, timeZone).year + 1, startYear + 60);
  const begin = Date.UTC(startYear, 0, 1);
  const end = Date.UTC(endYear + 1, 0, 1);
  const list = transitions(timeZone, begin, end);
  const head = ["BEGIN:VTIMEZONE", `TZID:${timeZone}`];
  if (list.length === 0) {
    const off = timeZoneOffsetMs(from, timeZone);
    return [...head, ...observance({ at: Date.UTC(1970, 0, 1) - off, from: off, to: off }).map((l) => l.replace("DAYLIGHT", "STANDARD")), "END:VTIMEZONE"];
  }
  // One yearly rule per direction for every transition in the range: write it as RRULEs.
  const up = list.filter((t) => t.to > t.from);
  const down = list.filter((t) => t.to < t.from);
  const regular = (group: Transition[]) =>
    group.length > 0 &&
    group.every((t) => yearlyRule(t) === yearlyRule(group[0]) && sameLocalTime(t, group[0]) && t.from === group[0].from && t.to === group[0].to);
  const body =
    regular(up) && regular(down) && up.length + down.length === list.length
      ? [...observance(up[0], yearlyRule(up[0])), ...observance(down[0], yearlyRule(down[0]))]
      : list.flatMap((t) => observance(t));
  return [...head, ...body, "END:VTIMEZONE"];
}
