// The occurrences of a meeting: one for a one-off meeting, the RRULE's for a series, with
// single occurrences moved or cancelled (MeetingOccurrence rows).
import { expandOccurrences, parseRecurrenceRule } from "@/lib/meetings/recurrence";

export interface SeriesMeeting {
  startsAt: Date;
  durationMinutes: number;
  timeZone: string;
  recurrenceRule: string | null;
}

export interface OccurrenceOverride {
  originalStartsAt: Date;
  startsAt: Date;
  durationMinutes: number;
  cancelled: boolean;
}

export interface Occurrence {
  /** The start the rule gives it (identifies the occurrence: RECURRENCE-ID). */
  originalStartsAt: Date;
  startsAt: Date;
  durationMinutes: number;
  cancelled: boolean;
  /** Moved or re-timed on its own. */
  changed: boolean;
}

const DAY = 86_400_000;

/** Occurrences whose end is after `from` (default: all from the start), in start order. */
export function occurrencesOf(
  m: SeriesMeeting,
  overrides: OccurrenceOverride[],
  opts: { from?: Date; limit?: number; horizonDays?: number; includeCancelled?: boolean } = {},
): Occurrence[] {
  const limit = opts.limit ?? 10;
  const from = opts.from?.getTime() ?? -Infinity;
  const spec = parseRecurrenceRule(m.recurrenceRule);
  const starts = spec
    ? expandOccurrences(spec, m.startsAt, m.timeZone, {
        before: new Date(Math.max(from, m.startsAt.getTime()) + (opts.horizonDays ?? 800) * DAY),
      })
    : [m.startsAt];
  const byOriginal = new Map(overrides.map((o) => [o.originalStartsAt.getTime(), o]));
  const out: Occurrence[] = [];
  for (const original of starts) {
    const o = byOriginal.get(original.getTime());
    const occ: Occurrence = o
      ? { originalStartsAt: original, startsAt: o.startsAt, durationMinutes: o.durationMinutes, cancelled: o.cancelled, changed: true }
      : { originalStartsAt: original, startsAt: original, durationMinutes: m.durationMinutes, cancelled: false, changed: false };
    if (occ.startsAt.getTime() + occ.durationMinutes * 60_000 <= from) continue;
    if (occ.cancelled && !opts.includeCancelled) continue;
    out.push(occ);
  }
  out.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  return out.slice(0, limit);
}

/** The next occurrence that has not ended yet (not cancelled), or null. */
export function nextOccurrence(m: SeriesMeeting, overrides: OccurrenceOverride[], now: Date = new Date()): Occurrence | null {
  return occurrencesOf(m, overrides, { from: now, limit: 1 })[0] ?? null;
}

/** Whether `instant` is one of the series' own occurrence starts (edit / cancel one occurrence). */
export function isSeriesOccurrence(m: SeriesMeeting, instant: Date): boolean {
  const spec = parseRecurrenceRule(m.recurrenceRule);
  if (!spec) return instant.getTime() === m.startsAt.getTime();
  return expandOccurrences(spec, m.startsAt, m.timeZone, { before: new Date(instant.getTime() + 1) }).some((d) => d.getTime() === instant.getTime());
}
