import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { prisma } from "@/lib/db";
import { requireUser } from "@/lib/auth/session";
import { forbiddenIfSupported } from "@/lib/auth/forbidden";
import { MeetingForbidden } from "@/components/meetings/MeetingForbidden";
import { getMeetingForHost } from "@/lib/meetings/service";
import { utcToZonedInputValue } from "@/lib/time/zoned";
import { updateMeetingAction } from "@/app/meetings/actions";
import { MeetingForm } from "@/components/meetings/MeetingForm";
import { Card, MessagePage } from "@/components/ui/Card";

export const metadata: Metadata = { title: "Edit meeting · Meet" };

export default async function EditMeetingPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/meetings/${id}/edit`);
  const found = await getMeetingForHost(prisma, id, user.id);
  if (!found.ok && found.reason === "not_found") notFound();
  if (!found.ok) {
    forbiddenIfSupported();
    return <MeetingForbidden />;
  }
  const m = found.meeting;
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
          }}
        />
      </Card>
    </main>
  );
}
