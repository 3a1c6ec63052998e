import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { prisma } from "@/lib/db";
import { adminPageGuard } from "@/lib/admin/guard";
import { forbiddenIfSupported } from "@/lib/auth/forbidden";
import { formatDuration, getSessionDetail } from "@/lib/admin/history-queries";
import { sessionTimeline } from "@/lib/admin/session-timeline";
import { AdminForbidden } from "@/components/admin/AdminForbidden";
import { QualityTimelineChart } from "@/components/admin/QualityTimelineChart";
import { AttendanceTable } from "@/components/meetings/AttendanceTable";
import { buttonClass } from "@/components/ui/Button";
import { LocalTime } from "@/components/ui/LocalTime";

export const metadata: Metadata = { title: "Session · Meet" };
export const dynamic = "force-dynamic";

const END_REASON: Record<string, string> = { empty: "everyone left", restart: "server restart", crash: "server stopped unexpectedly" };

export default async function SessionDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { admin } = await adminPageGuard(`/admin/sessions/${id}`);
  if (!admin) {
    forbiddenIfSupported();
    return <AdminForbidden />;
  }
  const [detail, timeline, meta] = await Promise.all([
    getSessionDetail(prisma, id),
    sessionTimeline(prisma, id),
    prisma.meetingSession.findUnique({ where: { id }, select: { endReason: true, resumeCount: true } }),
  ]);
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
          <div>
            <dt className="text-slate-400">Ended</dt>
            <dd>
              {s.endedAt ? <LocalTime iso={s.endedAt.toISOString()} /> : "live"}
              {meta?.endReason && meta.endReason !== "empty" ? <span className="block text-xs text-amber-300">{END_REASON[meta.endReason]}</span> : null}
            </dd>
          </div>
          <div><dt className="text-slate-400">Duration</dt><dd>{formatDuration(s.durationMs)}</dd></div>
          <div><dt className="text-slate-400">Participants</dt><dd data-testid="session-participants">{s.participants}</dd></div>
          <div><dt className="text-slate-400">Peak</dt><dd data-testid="session-peak">{s.peakParticipants}</dd></div>
        </dl>
        {meta?.resumeCount ? (
          <p className="mt-2 text-xs text-slate-400" data-testid="session-resumed">
            Continued after {meta.resumeCount} server restart{meta.resumeCount === 1 ? "" : "s"}.
          </p>
        ) : null}
      </div>

      <section aria-labelledby="att-heading" className="space-y-3">
        <div className="flex items-center justify-between gap-4">
          <h2 id="att-heading" className="text-lg font-semibold">Attendance</h2>
          <a href={`/api/sessions/${s.id}/attendance.csv`} download className={buttonClass("secondary")} data-testid="attendance-csv">
            Download CSV
          </a>
        </div>
        <AttendanceTable rows={attendances} />
      </section>

      <section aria-labelledby="tl-heading" className="space-y-3">
        <h2 id="tl-heading" className="text-lg font-semibold">Call quality over time</h2>
        {timeline.length === 0 ? (
          <p className="text-sm text-slate-400">No one attended this session.</p>
        ) : (
          <div className="grid gap-4 lg:grid-cols-2">
            {timeline.map((t) => (
              <QualityTimelineChart key={t.attendanceId} timeline={t} />
            ))}
          </div>
        )}
      </section>
    </main>
  );
}
