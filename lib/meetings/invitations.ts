// Invitations by email: each attendee gets the invite link and an .ics (METHOD:REQUEST,
// stable UID, the meeting's SEQUENCE). A change calendars must follow re-sends REQUEST to
// everyone with the raised SEQUENCE; a cancel (of the meeting, or of a removed attendee)
// sends METHOD:CANCEL. Each attendee row records whether its latest mail went.
import type { Db } from "@/lib/db";
import { buildMeetingIcs } from "@/lib/meetings/ics";
import { inviteUrl } from "@/lib/meetings/invite";
import { nextOccurrence } from "@/lib/meetings/occurrences";
import { describeRecurrence } from "@/lib/meetings/recurrence";
import { displayNameOf } from "@/lib/auth/users";
import { sendMail } from "@/lib/mail/mailer";
import { invitationMail } from "@/lib/mail/templates";

export type InvitationKind = "invite" | "update" | "cancel";

/** Replaces the attendee list; returns who is new and who was removed (for their cancel mail). */
export async function setAttendees(db: Db, meetingId: string, emails: string[]): Promise<{ added: string[]; removed: string[] }> {
  const existing = await db.meetingAttendee.findMany({ where: { meetingId }, select: { email: true } });
  const before = new Set(existing.map((a) => a.email));
  const after = new Set(emails);
  const added = emails.filter((e) => !before.has(e));
  const removed = [...before].filter((e) => !after.has(e));
  if (added.length) {
    await db.meetingAttendee.createMany({ data: added.map((email) => ({ meetingId, email })) });
  }
  return { added, removed };
}

function whenText(startsAt: Date, timeZone: string, durationMinutes: number, rule: string | null): string {
  const fmt = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  const series = describeRecurrence(rule, timeZone);
  return `${fmt.format(startsAt)} (${timeZone.replaceAll("_", " ")}), ${durationMinutes} min${series ? ` · ${series}` : ""}`;
}

/**
 * Mails `kind` about the meeting to `to` (default: every attendee) and records the outcome on
 * their rows. Removed attendees (no row any more) can be given in `to` with kind "cancel".
 */
export async function sendInvitations(
  db: Db,
  meetingId: string,
  kind: InvitationKind,
  origin: string,
  opts: { to?: string[]; now?: Date } = {},
): Promise<{ sent: number; failed: number }> {
  const meeting = await db.meeting.findUnique({
    where: { id: meetingId },
    include: { host: { select: { name: true, email: true } }, attendees: true, occurrences: true },
  });
  if (!meeting) return { sent: 0, failed: 0 };
  const recipients = opts.to ?? meeting.attendees.map((a) => a.email);
  if (recipients.length === 0) return { sent: 0, failed: 0 };
  const url = inviteUrl(origin, meeting.inviteToken);
  const everyone = meeting.attendees.map((a) => a.email);
  const method = kind === "cancel" ? "CANCEL" : "REQUEST";
  const next = nextOccurrence(meeting, meeting.occurrences, opts.now) ?? { startsAt: meeting.startsAt, durationMinutes: meeting.durationMinutes };
  const when = whenText(next.startsAt, meeting.timeZone, next.durationMinutes, meeting.recurrenceRule);
  const hostName = displayNameOf(meeting.host);
  let sent = 0;
  let failed = 0;
  await Promise.all(
    recipients.map(async (to) => {
      // A cancel while the meeting goes on is for a removed attendee: it names only them.
      const attendees = kind === "cancel" && meeting.status !== "cancelled" ? [to] : everyone;
      const ics = buildMeetingIcs(meeting, meeting.host, url, { method, attendees, overrides: meeting.occurrences, now: opts.now });
      const result = await sendMail(invitationMail({ to, kind, title: meeting.title, hostName, when, inviteUrl: url, ics }));
      if (result.ok) sent += 1;
      else failed += 1;
      await db.meetingAttendee.updateMany({
        where: { meetingId, email: to },
        data: result.ok
          ? { mailStatus: "sent", mailError: null, mailedAt: new Date(), mailedSequence: meeting.icsSequence }
          : { mailStatus: "failed", mailError: result.error.slice(0, 300) },
      });
    }),
  );
  return { sent, failed };
}

/** After the attendee list changed: invitations to the new ones, cancels to the removed ones. */
export async function inviteChangedAttendees(
  db: Db,
  meetingId: string,
  change: { added: string[]; removed: string[] },
  origin: string,
): Promise<void> {
  if (change.removed.length) {
    await sendInvitations(db, meetingId, "cancel", origin, { to: change.removed });
    await db.meetingAttendee.deleteMany({ where: { meetingId, email: { in: change.removed } } });
  }
  if (change.added.length) await sendInvitations(db, meetingId, "invite", origin, { to: change.added });
}
