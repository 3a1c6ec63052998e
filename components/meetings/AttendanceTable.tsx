import type { AttendanceRow } from "@/lib/admin/history-queries";
import { formatDuration, formatLossPercent, formatNumber } from "@/lib/admin/history-queries";
import { LocalTime } from "@/components/ui/LocalTime";

const ROLE_TEXT: Record<string, string> = { host: "Host", "co-host": "Co-host", "signed-in": "Signed in", guest: "Guest" };

function score(v: number | null): string {
  return v === null || !Number.isFinite(v) ? "–" : `${v.toFixed(1)}/10`;
}

/**
 * One session's attendance report: one row per person (first join, last leave, in-meeting
 * time over all joins, joins, role) and call quality both ways (what they sent / received).
 */
export function AttendanceTable({ rows, caption = "Attendance" }: { rows: AttendanceRow[]; caption?: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-800">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-900 text-slate-300">
          <tr>
            <th scope="col" className="px-3 py-2">Who</th>
            <th scope="col" className="px-3 py-2">Role</th>
            <th scope="col" className="px-3 py-2">First join</th>
            <th scope="col" className="px-3 py-2">Last leave</th>
            <th scope="col" className="px-3 py-2">In meeting</th>
            <th scope="col" className="px-3 py-2 text-right">Joins</th>
            <th scope="col" className="px-3 py-2 text-right" title="What they sent: packet loss mean / max, round-trip time, score">Sending: loss · RTT · score</th>
            <th scope="col" className="px-3 py-2 text-right" title="What they received: packet loss mean / max, jitter, score">Receiving: loss · jitter · score</th>
            <th scope="col" className="px-3 py-2 text-right">Send / recv</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-800">
          {rows.length === 0 ? (
            <tr>
              <td colSpan={9} className="px-3 py-6 text-center text-slate-400">Nobody attended this session.</td>
            </tr>
          ) : (
            rows.map((a) => (
              <tr key={a.id} data-testid="attendance-row" data-attendance-id={a.id} data-name={a.displayName} data-joins={a.joinCount} data-role={a.role} data-in-meeting-seconds={Math.round(a.durationMs / 1000)}>
                <td className="px-3 py-2">
                  <span className="font-medium">{a.displayName}</span>
                  {a.userEmail ? <span className="block text-xs text-slate-400">{a.userEmail}</span> : null}
                </td>
                <td className="px-3 py-2" data-testid="attendance-guest">{ROLE_TEXT[a.role] ?? a.role}</td>
                <td className="px-3 py-2 whitespace-nowrap"><LocalTime iso={a.joinedAt.toISOString()} /></td>
                <td className="px-3 py-2 whitespace-nowrap">
                  {a.leftAt ? <LocalTime iso={a.leftAt.toISOString()} /> : <span className="text-emerald-400">still in</span>}
                </td>
                <td className="px-3 py-2 whitespace-nowrap" data-testid="attendance-duration">{formatDuration(a.durationMs)}</td>
                <td className="px-3 py-2 text-right" data-testid="attendance-joins">
                  {a.joinCount}
                  {a.reconnectCount ? <span className="block text-xs text-slate-400">{a.reconnectCount} reconnect{a.reconnectCount === 1 ? "" : "s"}</span> : null}
                </td>
                <td className="px-3 py-2 text-right whitespace-nowrap">
                  {a.qualitySamples
                    ? `${formatLossPercent(a.meanPacketLoss)} / ${formatLossPercent(a.maxPacketLoss)} · ${formatNumber(a.meanRttMs, " ms")} · ${score(a.meanScore)}`
                    : "no data"}
                </td>
                <td className="px-3 py-2 text-right whitespace-nowrap">
                  {a.downSamples
                    ? `${formatLossPercent(a.meanDownPacketLoss)} / ${formatLossPercent(a.maxDownPacketLoss)} · ${formatNumber(a.meanDownJitterMs, " ms")} · ${score(a.meanDownScore)}`
                    : "no data"}
                </td>
                <td className="px-3 py-2 text-right whitespace-nowrap">
                  {formatNumber(a.meanSendKbps)} / {formatNumber(a.meanRecvKbps)} kbps
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
