// Continuing a meeting session after its node died (or this node restarted after a crash):
// when the room opens again on a node, the open MeetingSession of that meeting — left by a
// node that is no longer live — is adopted instead of a second session being started, and
// each returning participant's open Attendance row is reused. So the history keeps one
// session and one attendance per person across a node death. Rows nobody adopts are closed
// later (closeStaleSessions for the dead node, after the grace period).
import type { Db } from "@/lib/db";

/** May an open session hosted by `nodeId` be continued here? (null: rows from before node ids) */
export type AdoptablePredicate = (nodeId: string | null) => boolean | Promise<boolean>;

/** The open session of `meetingId` this node may continue (now marked as this node's), or null. */
export async function adoptOpenSession(
  db: Db,
  meetingId: string,
  nodeId: string | null,
  adoptable: AdoptablePredicate,
  at: Date,
): Promise<{ id: string; peakParticipants: number } | null> {
  const open = await db.meetingSession.findFirst({
    where: { meetingId, endedAt: null },
    orderBy: { startedAt: "desc" },
    select: { id: true, nodeId: true, peakParticipants: true },
  });
  if (!open || !(await adoptable(open.nodeId))) return null;
  // Compare-and-set on the previous owner: if two nodes race, only one continues it.
  const { count } = await db.meetingSession.updateMany({
    where: { id: open.id, endedAt: null, nodeId: open.nodeId },
    data: { nodeId, lastSeenAt: at },
  });
  return count === 1 ? { id: open.id, peakParticipants: open.peakParticipants } : null;
}

/** A participant back in an adopted session: their still-open attendance row, or null. */
export async function reuseOpenAttendance(db: Db, sessionId: string, participantKey: string, at: Date): Promise<string | null> {
  const row = await db.attendance.findFirst({
    where: { sessionId, participantKey, leftAt: null },
    orderBy: { joinedAt: "desc" },
    select: { id: true },
  });
  if (!row) return null;
  await db.attendance.update({ where: { id: row.id }, data: { lastSeenAt: at } });
  return row.id;
}

/** After the grace period: whoever did not come back left at their last sign of life. */
export async function closeAbsentAttendances(db: Db, sessionId: string, present: readonly string[]): Promise<number> {
  const absent = await db.attendance.findMany({
    where: { sessionId, leftAt: null, participantKey: { notIn: [...present] } },
    select: { id: true, lastSeenAt: true },
  });
  for (const a of absent) await db.attendance.update({ where: { id: a.id }, data: { leftAt: a.lastSeenAt } });
  return absent.length;
}
