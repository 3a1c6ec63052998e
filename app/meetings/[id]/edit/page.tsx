import type { Metadata } from "next";
import Link from "next/link";
import { prisma } from "@/lib/db";
import { MeetingForbidden } from "@/components/meetings/MeetingForbidden";
import { hostMeetingOrDeny } from "@/lib/meetings/host-guard";
import { utcToZonedInputValue } from "@/lib/time/zoned";
import { choiceFromRule } from "@/lib/meetings/recurrence";
import { updateMeetingAction } from "@/app/meetings/actions";
import { MeetingForm } from "@/components/meetings/MeetingForm";
import { Card, MessagePage } from "@/components/ui/Card";

export const metadata: Metadata = { title: "Edit meeting · Meet" };

export default async function EditMeetingPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const m = await hostMeetingOrDeny(id, `/meetings/${id}/edit`);
  if (!m) return <MeetingForbidden />;
  const attendees = await prisma.meetingAttendee.findMany({ where: { meetingId: id }, orderBy: { createdAt: "asc" }, select: { email: true } });
  if (m.status === "cancelled") {
    return (
      <MessagePage title="This meeting was cancelled" testId="meeting-cancelled">
        <p>A cancelled meeting cannot be edited.</p>
        <Link href={`/meetings/${m.id}`} className="text-sky-400 hover:underline">Back to the meeting</Link>
      </MessagePage>
    );
  }
  return (
    <main className="mx-auto max-w-2xl px-6 py-10">
      <h1 className="mb-6 text-2xl font-semibold">Edit meeting</h1>
      <Card>
        <MeetingForm
          action={updateMeetingAction.bind(null, m.id)}
          submitLabel="Save changes"
          cancelHref={`/meetings/${m.id}`}
          defaults={{
            title: m.title,
            description: m.description,
            start: utcToZonedInputValue(m.startsAt, m.timeZone),
            timeZone: m.timeZone,
            durationMinutes: m.durationMinutes,
            requireSignIn: m.requireSignIn,
            waitingRoom: m.waitingRoom,
            joinBeforeHost: m.joinBeforeHost,
            attendees: attendees.map((a) => a.email).join("\n"),
            recurrence: choiceFromRule(m.recurrenceRule, m.timeZone),
          }}
        />
      </Card>
    </main>
  );
}
