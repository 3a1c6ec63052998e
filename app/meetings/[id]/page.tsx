import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { prisma } from "@/lib/db";
import { requireUser } from "@/lib/auth/session";
import { forbiddenIfSupported } from "@/lib/auth/forbidden";
import { MeetingForbidden } from "@/components/meetings/MeetingForbidden";
import { getMeetingForHost, meetingEndsAt } from "@/lib/meetings/service";
import { inviteUrl } from "@/lib/meetings/invite";
import { requestOrigin } from "@/lib/meetings/origin";
import { cancelMeetingAction, regenerateInviteAction } from "@/app/meetings/actions";
import { InviteLinkBox } from "@/components/meetings/InviteLinkBox";
import { MeetingActions } from "@/components/meetings/MeetingActions";
import { ButtonLink, buttonClass } from "@/components/ui/Button";
import { Card } from "@/components/ui/Card";
import { LocalTime } from "@/components/ui/LocalTime";

export const metadata: Metadata = { title: "Meeting · Meet" };

export default async function MeetingPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/meetings/${id}`);
  const found = await getMeetingForHost(prisma, id, user.id);
  if (!found.ok && found.reason === "not_found") notFound();
  if (!found.ok) {
    forbiddenIfSupported();
    return <MeetingForbidden />;
  }
  const m = found.meeting;
  const cancelled = m.status === "cancelled";
  const url = inviteUrl(await requestOrigin(), m.inviteToken);
  const ended = meetingEndsAt(m).getTime() < Date.now();

  return (
    <main className="mx-auto max-w-3xl space-y-6 px-6 py-10">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold" data-testid="meeting-heading">{m.title}</h1>
          <p className="mt-1 text-slate-300">
            <LocalTime iso={m.startsAt.toISOString()} style="datetime-long" /> · {m.durationMinutes} min
          </p>
          <p className="text-xs text-slate-500">Scheduled in {m.timeZone.replaceAll("_", " ")}</p>
        </div>
        <span
          data-testid="meeting-status"
          className={`rounded-full px-3 py-1 text-xs font-medium ${
            cancelled ? "bg-red-900/60 text-red-200" : ended ? "bg-slate-800 text-slate-300" : "bg-emerald-900/60 text-emerald-200"
          }`}
        >
          {cancelled ? "Cancelled" : ended ? "Ended" : "Scheduled"}
        </span>
      </div>

      {m.description ? (
        <Card>
          <h2 className="sr-only">Description</h2>
          <p className="whitespace-pre-wrap text-slate-200">{m.description}</p>
        </Card>
      ) : null}

      {cancelled ? (
        <Card>
          <p className="text-slate-200" data-testid="meeting-cancelled-note">
            This meeting was cancelled. Its invite link no longer lets anyone join.
          </p>
        </Card>
      ) : (
        <Card className="space-y-5">
          <InviteLinkBox url={url} />
          <p className="text-sm text-slate-400">
            {m.requireSignIn ? "People need an account to join." : "Anyone with the link can join, as a guest if not signed in."}
          </p>
          <p className="text-sm text-slate-400" data-testid="meeting-room-settings">
            {m.waitingRoom ? "Waiting room on: you or a co-host let people in." : "No waiting room."}{" "}
            {m.joinBeforeHost ? "Guests may join before you." : "Guests wait until you arrive."}
          </p>
          <div className="flex flex-wrap gap-3">
            <ButtonLink href={`/room/${m.id}`} data-testid="join-meeting">
              Start / join meeting
            </ButtonLink>
            <a href={`/api/meetings/${m.id}/ics`} download className={buttonClass("secondary")} data-testid="download-ics">
              Add to calendar (.ics)
            </a>
            <ButtonLink href={`/meetings/${m.id}/edit`} variant="secondary" data-testid="edit-meeting">
              Edit
            </ButtonLink>
          </div>
        </Card>
      )}

      <MeetingActions
        cancelled={cancelled}
        regenerate={regenerateInviteAction.bind(null, m.id)}
        cancel={cancelMeetingAction.bind(null, m.id)}
      />
      <p>
        <Link href="/" className="text-sm text-sky-400 hover:underline">← All meetings</Link>
      </p>
    </main>
  );
}
