// Editing one occurrence of a series (moved / re-timed) or cancelling it, as the host.
// Either raises the meeting's SEQUENCE: the .ics then carries RECURRENCE-ID / EXDATE.
import type { Db } from "@/lib/db";
import { isSeriesOccurrence } from "@/lib/meetings/occurrences";

export type OccurrenceEditResult = { ok: true } | { ok: false; error: string };

async function seriesOfHost(db: Db, hostId: string, meetingId: string) {
  const m = await db.meeting.findUnique({ where: { id: meetingId } });
  if (!m || m.hostId !== hostId) return { error: "Only the host can change this meeting." } as const;
  if (m.status === "cancelled") return { error: "This meeting was cancelled." } as const;
  if (!m.recurrenceRule) return { error: "This meeting does not repeat." } as const;
  return { meeting: m } as const;
}

export async function editOccurrence(
  db: Db,
  hostId: string,
  meetingId: string,
  originalStartsAt: Date,
  change: { startsAt: Date; durationMinutes: number } | { cancelled: true },
): Promise<OccurrenceEditResult> {
  const found = await seriesOfHost(db, hostId, meetingId);
  if ("error" in found) return { ok: false, error: found.error! };
  const m = found.meeting;
  if (!isSeriesOccurrence(m, originalStartsAt)) return { ok: false, error: "The series has no meeting at that time." };
  const data =
    "cancelled" in change
      ? { cancelled: true, startsAt: originalStartsAt, durationMinutes: m.durationMinutes }
      : { cancelled: false, startsAt: change.startsAt, durationMinutes: change.durationMinutes };
  await db.$transaction([
    db.meetingOccurrence.upsert({
      where: { meetingId_originalStartsAt: { meetingId, originalStartsAt } },
      create: { meetingId, originalStartsAt, ...data },
      update: data,
    }),
    db.meeting.update({ where: { id: meetingId }, data: { icsSequence: { increment: 1 } } }),
  ]);
  return { ok: true };
}
