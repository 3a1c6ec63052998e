import type { Metadata } from "next";
import Link from "next/link";
import { prisma } from "@/lib/db";
import { MeetingForbidden } from "@/components/meetings/MeetingForbidden";
import { hostMeetingOrDeny } from "@/lib/meetings/host-guard";
import { meetingEndsAt } from "@/lib/meetings/service";
import { inviteUrl } from "@/lib/meetings/invite";
import { requestOrigin } from "@/lib/meetings/origin";
import { cancelMeetingAction, cancelOccurrenceAction, regenerateInviteAction } from "@/app/meetings/actions";
import { occurrencesOf } from "@/lib/meetings/occurrences";
import { describeRecurrence } from "@/lib/meetings/recurrence";
import { listMeetingSessions } from "@/lib/meetings/attendance-access";
import { getSessionDetail } from "@/lib/admin/history-queries";
import { AttendeeList } from "@/components/meetings/AttendeeList";
import { OccurrenceList } from "@/components/meetings/OccurrenceList";
import { SessionReports } from "@/components/meetings/SessionReports";
import { InviteLinkBox } from "@/components/meetings/InviteLinkBox";
import { MeetingActions } from "@/components/meetings/MeetingActions";
import { ButtonLink, buttonClass } from "@/components/ui/Button";
import { Card } from "@/components/ui/Card";
import { LocalTime } from "@/components/ui/LocalTime";

export const metadata: Metadata = { title: "Meeting · Meet" };
export const dynamic = "force-dynamic";

export default async function MeetingPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const m = await hostMeetingOrDeny(id, `/meetings/${id}`);
  if (!m) return <MeetingForbidden />;
  const cancelled = m.status === "cancelled";
  const url = inviteUrl(await requestOrigin(), m.inviteToken);
  const now = new Date();
  const [attendees, overrides, sessions] = await Promise.all([
    prisma.meetingAttendee.findMany({ where: { meetingId: m.id }, orderBy: { createdAt: "asc" } }),
    prisma.meetingOccurrence.findMany({ where: { meetingId: m.id } }),
    listMeetingSessions(prisma, m.id, 10),
  ]);
  const upcoming = m.recurrenceRule ? occurrencesOf(m, overrides, { from: now, limit: 8 }) : [];
  const next = m.recurrenceRule ? upcoming[0] ?? null : null;
  const shown = next ?? m;
  const series = describeRecurrence(m.recurrenceRule, m.timeZone);
  const ended = m.recurrenceRule ? !next : meetingEndsAt(m).getTime() < now.getTime();
  const reports = (await Promise.all(sessions.map((s) => getSessionDetail(prisma, s.id, now)))).filter((r) => r !== null);

  return (
    <main className="mx-auto max-w-3xl space-y-6 px-6 py-10">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold" data-testid="meeting-heading">{m.title}</h1>
          <p className="mt-1 text-slate-300" data-testid="meeting-when" data-starts-at={shown.startsAt.toISOString()}>
            {next ? "Next: " : null}
            <LocalTime iso={shown.startsAt.toISOString()} style="datetime-long" /> · {shown.durationMinutes} min
          </p>
          {series ? <p className="text-sm text-sky-300" data-testid="meeting-recurrence">{series}</p> : null}
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

      {m.recurrenceRule && !cancelled ? (
        <section aria-labelledby="occ-heading" className="space-y-3">
          <h2 id="occ-heading" className="text-lg font-semibold">Next meetings of the series</h2>
          <OccurrenceList
            meetingId={m.id}
            occurrences={upcoming.map((o) => ({
              originalMs: o.originalStartsAt.getTime(),
              startsAt: o.startsAt.toISOString(),
              durationMinutes: o.durationMinutes,
              changed: o.changed,
            }))}
            cancel={cancelOccurrenceAction.bind(null, m.id)}
          />
        </section>
      ) : null}

      <section aria-labelledby="attendees-heading" className="space-y-3">
        <h2 id="attendees-heading" className="text-lg font-semibold">Invited by email</h2>
        <AttendeeList attendees={attendees} />
      </section>

      <section aria-labelledby="reports-heading" className="space-y-3">
        <h2 id="reports-heading" className="text-lg font-semibold">Attendance</h2>
        <SessionReports reports={reports} />
      </section>

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
