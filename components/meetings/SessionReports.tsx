import type { AttendanceRow, HistoryRow } from "@/lib/admin/history-queries";
import { formatDuration } from "@/lib/admin/history-queries";
import { AttendanceTable } from "@/components/meetings/AttendanceTable";
import { buttonClass } from "@/components/ui/Button";
import { LocalTime } from "@/components/ui/LocalTime";

/** The attendance reports of a meeting's sessions, newest first (the newest one open). */
export function SessionReports({ reports }: { reports: { session: HistoryRow; attendances: AttendanceRow[] }[] }) {
  if (reports.length === 0) return <p className="text-sm text-slate-400">Nobody has met in this meeting yet.</p>;
  return (
    <div className="space-y-3">
      {reports.map(({ session: s, attendances }, i) => (
        <details key={s.id} open={i === 0} className="rounded-md border border-slate-800" data-testid="session-report" data-session-id={s.id}>
          <summary className="flex cursor-pointer flex-wrap items-center gap-3 px-3 py-2 text-sm">
            <LocalTime iso={s.startedAt.toISOString()} style="datetime-long" />
            <span className="text-slate-400">
              {s.endedAt ? formatDuration(s.durationMs) : <span className="text-emerald-400">live</span>} · {s.participants} participant
              {s.participants === 1 ? "" : "s"}
            </span>
          </summary>
          <div className="space-y-3 p-3">
            <AttendanceTable rows={attendances} caption="Attendance of this session" />
            <a href={`/api/sessions/${s.id}/attendance.csv`} download className={buttonClass("secondary")} data-testid="attendance-csv">
              Download CSV
            </a>
          </div>
        </details>
      ))}
    </div>
  );
}
