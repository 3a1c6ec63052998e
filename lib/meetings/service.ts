// Meeting CRUD for hosts. Every function takes the Prisma client (tests pass their own)
// and checks ownership itself: callers pass the signed-in user's id.
import type { Db, Meeting } from "@/lib/db";
import { zonedWallTimeToUtc } from "@/lib/time/zoned";
import { recurrenceChoiceOf, type MeetingFormValues } from "@/lib/meetings/schema";
import { recurrenceRuleFromChoice } from "@/lib/meetings/recurrence";
import { generateInviteToken } from "@/lib/meetings/invite";
import { nextOccurrence, type OccurrenceOverride } from "@/lib/meetings/occurrences";

/** A start this far in the past is still accepted (clock skew, "start now"). */
export const PAST_START_GRACE_MS = 10 * 60_000;

export type MeetingDataResult =
  | {
      ok: true;
      data: {
        title: string;
        description: string;
        startsAt: Date;
        timeZone: string;
        durationMinutes: number;
        requireSignIn: boolean;
        /** Absent: the column defaults (no waiting room, guests may join before the host). */
        waitingRoom?: boolean;
        joinBeforeHost?: boolean;
        recurrenceRule?: string | null;
      };
    }
  | { ok: false; field: string; error: string };

/** Validated form values -> row data (wall time in the chosen zone -> UTC). */
export function meetingDataFromForm(
  values: MeetingFormValues,
  opts: { now?: Date; previousStartsAt?: Date } = {},
): MeetingDataResult {
  let startsAt: Date;
  try {
    startsAt = zonedWallTimeToUtc(values.start, values.timeZone);
  } catch {
    return { ok: false, field: "start", error: "Enter a valid date and time" };
  }
  const now = opts.now ?? new Date();
  const unchanged = opts.previousStartsAt && opts.previousStartsAt.getTime() === startsAt.getTime();
  if (!unchanged && startsAt.getTime() < now.getTime() - PAST_START_GRACE_MS) {
    return { ok: false, field: "start", error: "The start time is in the past" };
  }
  return {
    ok: true,
    data: {
      title: values.title,
      description: values.description ?? "",
      startsAt,
      timeZone: values.timeZone,
      durationMinutes: values.durationMinutes,
      requireSignIn: values.requireSignIn,
      waitingRoom: values.waitingRoom,
      joinBeforeHost: values.joinBeforeHost,
      recurrenceRule: recurrenceRuleFromChoice(recurrenceChoiceOf(values), startsAt, values.timeZone),
    },
  };
}

/** Fields whose change attendees' calendars must follow (a new SEQUENCE, an update mail). */
export function calendarFieldsChanged(
  before: Pick<Meeting, "title" | "description" | "startsAt" | "durationMinutes" | "timeZone" | "recurrenceRule">,
  after: Extract<MeetingDataResult, { ok: true }>["data"],
): boolean {
  return (
    before.title !== after.title ||
    before.description !== after.description ||
    before.startsAt.getTime() !== after.startsAt.getTime() ||
    before.durationMinutes !== after.durationMinutes ||
    before.timeZone !== after.timeZone ||
    (before.recurrenceRule ?? null) !== (after.recurrenceRule ?? null)
  );
}

export type HostLookup = { ok: true; meeting: Meeting } | { ok: false; reason: "not_found" | "forbidden" };

export async function getMeetingForHost(db: Db, id: string, userId: string): Promise<HostLookup> {
  if (!id || id.length > 64) return { ok: false, reason: "not_found" };
  const meeting = await db.meeting.findUnique({ where: { id } });
  if (!meeting) return { ok: false, reason: "not_found" };
  if (meeting.hostId !== userId) return { ok: false, reason: "forbidden" };
  return { ok: true, meeting };
}

export async function createMeeting(
  db: Db,
  hostId: string,
  data: Extract<MeetingDataResult, { ok: true }>["data"],
): Promise<Meeting> {
  return db.meeting.create({ data: { ...data, hostId, inviteToken: generateInviteToken() } });
}

/** Saves the series; a change calendars must follow raises icsSequence (returned as `changed`). */
export async function updateMeeting(
  db: Db,
  hostId: string,
  id: string,
  data: Extract<MeetingDataResult, { ok: true }>["data"],
): Promise<{ meeting: Meeting; changed: boolean } | null> {
  const before = await db.meeting.findFirst({ where: { id, hostId } });
  if (!before) return null;
  const changed = calendarFieldsChanged(before, data);
  const ruleChanged = (before.recurrenceRule ?? null) !== (data.recurrenceRule ?? null) || before.startsAt.getTime() !== data.startsAt.getTime();
  const { count } = await db.meeting.updateMany({
    where: { id, hostId },
    data: { ...data, ...(changed ? { icsSequence: { increment: 1 } } : {}) },
  });
  if (!count) return null;
  // A new rule or series start makes the single-occurrence changes meaningless.
  if (ruleChanged) await db.meetingOccurrence.deleteMany({ where: { meetingId: id } });
  return { meeting: (await db.meeting.findUnique({ where: { id } }))!, changed };
}

/** Cancels the meeting; its outstanding join tokens stop working (token epoch + 1). */
export async function cancelMeeting(db: Db, hostId: string, id: string): Promise<boolean> {
  const { count } = await db.meeting.updateMany({
    where: { id, hostId, status: "scheduled" },
    data: { status: "cancelled", icsSequence: { increment: 1 }, tokenEpoch: { increment: 1 } },
  });
  return count > 0;
}

/** New invite token; the old link stops working at once. */
export async function regenerateInviteToken(db: Db, hostId: string, id: string): Promise<string | null> {
  const token = generateInviteToken();
  const { count } = await db.meeting.updateMany({ where: { id, hostId }, data: { inviteToken: token } });
  return count ? token : null;
}

export function meetingEndsAt(m: Pick<Meeting, "startsAt" | "durationMinutes">): Date {
  return new Date(m.startsAt.getTime() + m.durationMinutes * 60_000);
}

/** A meeting as the dashboard lists it: series show their next occurrence. */
export type ListedMeeting = Meeting & { next: { startsAt: Date; durationMinutes: number } | null };

/**
 * The host's meetings: upcoming (scheduled and not over; series by their next occurrence;
 * soonest first) and past (ended or cancelled; newest first).
 */
export async function listMeetingsForHost(db: Db, hostId: string, now: Date = new Date(), limit = 100) {
  const [notOver, past] = await Promise.all([
    db.meeting.findMany({
      where: { hostId, status: "scheduled", OR: [{ startsAt: { gte: new Date(now.getTime() - 24 * 3_600_000) } }, { recurrenceRule: { not: null } }] },
      include: { occurrences: true },
      orderBy: { startsAt: "asc" },
      take: limit * 2,
    }),
    db.meeting.findMany({
      where: { hostId, OR: [{ status: "cancelled" }, { startsAt: { lt: now } }] },
      include: { occurrences: true },
      orderBy: { startsAt: "desc" },
      take: limit * 2,
    }),
  ]);
  const withNext = ({ occurrences, ...m }: Meeting & { occurrences: OccurrenceOverride[] }): ListedMeeting => ({
    ...m,
    next: m.status === "scheduled" ? nextOccurrence(m, occurrences, now) : null,
  });
  const upcoming = notOver.map(withNext).filter((m) => m.next);
  upcoming.sort((a, b) => a.next!.startsAt.getTime() - b.next!.startsAt.getTime());
  const upcomingIds = new Set(upcoming.map((m) => m.id));
  return {
    upcoming: upcoming.slice(0, limit),
    past: past.map(withNext).filter((m) => !upcomingIds.has(m.id) && !m.next).slice(0, limit),
  };
}

export async function findMeetingByInviteToken(db: Db, token: string) {
  return db.meeting.findUnique({
    where: { inviteToken: token },
    select: { id: true, title: true, status: true, requireSignIn: true, startsAt: true, durationMinutes: true, timeZone: true, hostId: true, host: { select: { name: true, email: true } } },
  });
}
