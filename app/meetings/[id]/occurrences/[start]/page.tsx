import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { prisma } from "@/lib/db";
import { isSeriesOccurrence } from "@/lib/meetings/occurrences";
import { utcToZonedInputValue } from "@/lib/time/zoned";
import { updateOccurrenceAction } from "@/app/meetings/actions";
import { MeetingForbidden } from "@/components/meetings/MeetingForbidden";
import { hostMeetingOrDeny } from "@/lib/meetings/host-guard";
import { OccurrenceForm } from "@/components/meetings/OccurrenceForm";
import { Card } from "@/components/ui/Card";
import { LocalTime } from "@/components/ui/LocalTime";

export const metadata: Metadata = { title: "Edit one occurrence · Meet" };

/** /meetings/<id>/occurrences/<original start, ms>: move or re-time one meeting of a series. */
export default async function OccurrencePage({ params }: { params: Promise<{ id: string; start: string }> }) {
  const { id, start } = await params;
  const m = await hostMeetingOrDeny(id, `/meetings/${id}/occurrences/${start}`);
  if (!m) return <MeetingForbidden />;
  const originalMs = /^\d{1,15}$/.test(start) ? Number(start) : NaN;
  if (!m.recurrenceRule || !Number.isFinite(originalMs) || !isSeriesOccurrence(m, new Date(originalMs))) notFound();
  const override = await prisma.meetingOccurrence.findUnique({
    where: { meetingId_originalStartsAt: { meetingId: id, originalStartsAt: new Date(originalMs) } },
  });
  const current = override && !override.cancelled ? override : { startsAt: new Date(originalMs), durationMinutes: m.durationMinutes };
  return (
    <main className="mx-auto max-w-2xl px-6 py-10">
      <h1 className="mb-2 text-2xl font-semibold">Edit one occurrence of “{m.title}”</h1>
      <p className="mb-6 text-sm text-slate-400">
        The series meeting of <LocalTime iso={new Date(originalMs).toISOString()} style="datetime-long" />. The other
        meetings of the series stay as they are; invited people get an updated calendar invitation.
      </p>
      <Card>
        <OccurrenceForm
          action={updateOccurrenceAction.bind(null, id, originalMs)}
          start={utcToZonedInputValue(current.startsAt, m.timeZone)}
          timeZone={m.timeZone}
          durationMinutes={current.durationMinutes}
          backHref={`/meetings/${id}`}
        />
      </Card>
    </main>
  );
}
