// Who may read a session's attendance report: the meeting's host and admins. Checked on the
// server for the meeting page, the session CSV and the admin session page alike.
import type { Db } from "@/lib/db";
import type { CurrentUser } from "@/lib/auth/session";

export type ReportAccess = { ok: true; meetingId: string } | { ok: false; status: 401 | 403 | 404; error: string };

export async function sessionReportAccess(db: Db, user: CurrentUser | null, sessionId: string): Promise<ReportAccess> {
  if (!user) return { ok: false, status: 401, error: "sign in required" };
  if (!sessionId || sessionId.length > 64) return { ok: false, status: 404, error: "session not found" };
  const s = await db.meetingSession.findUnique({ where: { id: sessionId }, select: { meetingId: true, meeting: { select: { hostId: true } } } });
  if (!s) return { ok: false, status: 404, error: "session not found" };
  if (user.role !== "ADMIN" && s.meeting.hostId !== user.id) {
    return { ok: false, status: 403, error: "only the meeting's host and admins can read its attendance" };
  }
  return { ok: true, meetingId: s.meetingId };
}

/** The latest sessions of one meeting (for its host's meeting page). */
export function listMeetingSessions(db: Db, meetingId: string, take = 10) {
  return db.meetingSession.findMany({
    where: { meetingId },
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    take,
    select: { id: true, startedAt: true, endedAt: true, peakParticipants: true, endReason: true, resumeCount: true },
  });
}
