// Attendance as CSV: one row per person and session (first join, last leave, in-meeting time
// over all joins, joins, role, quality both ways). Used by the per-session export and by the
// filtered history export (session columns first). Quoted and formula-safe (csvLine).
import type { AttendanceRow, HistoryRow } from "@/lib/admin/history-queries";
import { csvLine, CSV_HEADER } from "@/lib/admin/history-queries";

export const ATTENDANCE_CSV_HEADER = [
  "participant_name",
  "participant_email",
  "role",
  "first_join_utc",
  "last_leave_utc",
  "in_meeting_seconds",
  "joins",
  "reconnects",
  "up_loss_mean_pct",
  "up_loss_max_pct",
  "rtt_mean_ms",
  "send_kbps_mean",
  "recv_kbps_mean",
  "up_score_mean",
  "down_loss_mean_pct",
  "down_loss_max_pct",
  "down_jitter_mean_ms",
  "down_score_mean",
  "down_available_kbps_mean",
];

export function attendanceFields(a: AttendanceRow | null): (string | number | null)[] {
  if (!a) return ATTENDANCE_CSV_HEADER.map(() => null);
  return [
    a.displayName,
    a.userEmail,
    a.role,
    a.joinedAt.toISOString(),
    a.leftAt ? a.leftAt.toISOString() : null,
    Math.round(a.durationMs / 1000),
    a.joinCount,
    a.reconnectCount,
    a.meanPacketLoss,
    a.maxPacketLoss,
    a.meanRttMs,
    a.meanSendKbps,
    a.meanRecvKbps,
    a.meanScore,
    a.meanDownPacketLoss,
    a.maxDownPacketLoss,
    a.meanDownJitterMs,
    a.meanDownScore,
    a.meanDownKbps,
  ];
}

/** One session's attendance. */
export function attendanceToCsv(session: HistoryRow, rows: AttendanceRow[]): string {
  const lines = [["session_id", "meeting_title", "session_started_utc", ...ATTENDANCE_CSV_HEADER].join(",")];
  for (const a of rows) lines.push(csvLine([session.id, session.meetingTitle, session.startedAt.toISOString(), ...attendanceFields(a)]));
  return lines.join("\r\n") + "\r\n";
}

/** Sessions with their attendance: one line per attendance (a session without any: one line). */
export function historyWithAttendanceToCsv(sessions: { session: HistoryRow; attendances: AttendanceRow[] }[]): string {
  const lines = [[...CSV_HEADER, ...ATTENDANCE_CSV_HEADER].join(",")];
  for (const { session: r, attendances } of sessions) {
    const head = [
      r.id,
      r.meetingId,
      r.meetingTitle,
      r.hostName ?? "",
      r.hostEmail,
      r.startedAt.toISOString(),
      r.endedAt ? r.endedAt.toISOString() : "",
      r.durationMs === null ? "" : Math.round(r.durationMs / 1000),
      r.participants,
      r.peakParticipants,
    ];
    for (const a of attendances.length ? attendances : [null]) lines.push(csvLine([...head, ...attendanceFields(a)]));
  }
  return lines.join("\r\n") + "\r\n";
}

export function csvResponse(body: string, filename: string): Response {
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "private, no-store",
    },
  });
}
