import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { prisma } from "@/lib/db";
import { adminPageGuard } from "@/lib/admin/guard";
import { forbiddenIfSupported } from "@/lib/auth/forbidden";
import { formatDuration, formatLossPercent, formatNumber, getSessionDetail } from "@/lib/admin/history-queries";
import { AdminForbidden } from "@/components/admin/AdminForbidden";
import { SessionChat } from "@/components/admin/SessionChat";
import { LocalTime } from "@/components/ui/LocalTime";

export const metadata: Metadata = { title: "Session · Meet" };
export const dynamic = "force-dynamic";

export default async function SessionDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { admin } = await adminPageGuard(`/admin/sessions/${id}`);
  if (!admin) {
    forbiddenIfSupported();
    return <AdminForbidden />;
  }
  const detail = await getSessionDetail(prisma, id);
  if (!detail) notFound();
  const { session: s, attendances } = detail;

  return (
    <main className="mx-auto max-w-6xl space-y-6 px-6 py-10">
      <p>
        <Link href="/admin" className="text-sm text-sky-400 hover:underline">← Meeting history</Link>
      </p>
      <div>
        <h1 className="text-2xl font-semibold">{s.meetingTitle}</h1>
        <dl className="mt-3 grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-3 lg:grid-cols-6">
          <div><dt className="text-slate-400">Host</dt><dd>{s.hostName ?? s.hostEmail}</dd></div>
          <div><dt className="text-slate-400">Started</dt><dd><LocalTime iso={s.startedAt.toISOString()} /></dd></div>
          <div><dt className="text-slate-400">Ended</dt><dd>{s.endedAt ? <LocalTime iso={s.endedAt.toISOString()} /> : "live"}</dd></div>
          <div><dt className="text-slate-400">Duration</dt><dd>{formatDuration(s.durationMs)}</dd></div>
          <div><dt className="text-slate-400">Participants</dt><dd data-testid="session-participants">{s.participants}</dd></div>
          <div><dt className="text-slate-400">Peak</dt><dd data-testid="session-peak">{s.peakParticipants}</dd></div>
        </dl>
      </div>

      <div className="overflow-x-auto rounded-lg border border-slate-800">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Attendance</caption>
          <thead className="bg-slate-900 text-slate-300">
            <tr>
              <th scope="col" className="px-3 py-2">Who</th>
              <th scope="col" className="px-3 py-2">Guest</th>
              <th scope="col" className="px-3 py-2">Joined</th>
              <th scope="col" className="px-3 py-2">Left</th>
              <th scope="col" className="px-3 py-2">Duration</th>
              <th scope="col" className="px-3 py-2 text-right">Loss mean / max</th>
              <th scope="col" className="px-3 py-2 text-right">RTT</th>
              <th scope="col" className="px-3 py-2 text-right">Send / recv</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-800">
            {attendances.length === 0 ? (
              <tr>
                <td colSpan={8} className="px-3 py-6 text-center text-slate-400">Nobody attended this session.</td>
              </tr>
            ) : (
              attendances.map((a) => (
                <tr key={a.id} data-testid="attendance-row" data-attendance-id={a.id}>
                  <td className="px-3 py-2">
                    <span className="font-medium">{a.displayName}</span>
                    {a.userEmail ? <span className="block text-xs text-slate-400">{a.userEmail}</span> : null}
                  </td>
                  <td className="px-3 py-2" data-testid="attendance-guest">{a.isGuest ? "Guest" : "—"}</td>
                  <td className="px-3 py-2 whitespace-nowrap"><LocalTime iso={a.joinedAt.toISOString()} /></td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    {a.leftAt ? <LocalTime iso={a.leftAt.toISOString()} /> : <span className="text-emerald-400">still in</span>}
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">{formatDuration(a.durationMs)}</td>
                  <td className="px-3 py-2 text-right whitespace-nowrap">
                    {a.qualitySamples ? `${formatLossPercent(a.meanPacketLoss)} / ${formatLossPercent(a.maxPacketLoss)}` : "no data"}
                  </td>
                  <td className="px-3 py-2 text-right whitespace-nowrap">{formatNumber(a.meanRttMs, " ms")}</td>
                  <td className="px-3 py-2 text-right whitespace-nowrap">
                    {formatNumber(a.meanSendKbps)} / {formatNumber(a.meanRecvKbps)} kbps
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>

      <SessionChat sessionId={s.id} />
    </main>
  );
}
