// Meeting CRUD for hosts. Every function takes the Prisma client (tests pass their own)
// and checks ownership itself: callers pass the signed-in user's id.
import type { Db, Meeting } from "@/lib/db";
import { zonedWallTimeToUtc } from "@/lib/time/zoned";
import type { MeetingFormValues } from "@/lib/meetings/schema";
import { generateInviteToken } from "@/lib/meetings/invite";

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
    },
  };
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

export async function updateMeeting(
  db: Db,
  hostId: string,
  id: string,
  data: Extract<MeetingDataResult, { ok: true }>["data"],
): Promise<Meeting | null> {
  const { count } = await db.meeting.updateMany({ where: { id, hostId }, data });
  return count ? db.meeting.findUnique({ where: { id } }) : null;
}

/** Cancels the meeting; its outstanding join tokens stop working (token epoch + 1). */
export async function cancelMeeting(db: Db, hostId: string, id: string): Promise<boolean> {
  const { count } = await db.meeting.updateMany({
    where: { id, hostId },
    data: { status: "cancelled", tokenEpoch: { increment: 1 } },
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

/** The host's meetings: upcoming (scheduled, not yet over; soonest first) and past (newest first). */
export async function listMeetingsForHost(db: Db, hostId: string, now: Date = new Date(), limit = 100) {
  const [notOver, past] = await Promise.all([
    db.meeting.findMany({
      where: { hostId, status: "scheduled", startsAt: { gte: new Date(now.getTime() - 24 * 3_600_000) } },
      orderBy: { startsAt: "asc" },
      take: limit * 2,
    }),
    db.meeting.findMany({
      where: { hostId, OR: [{ status: "cancelled" }, { startsAt: { lt: now } }] },
      orderBy: { startsAt: "desc" },
      take: limit * 2,
    }),
  ]);
  const isUpcoming = (m: Meeting) => m.status === "scheduled" && meetingEndsAt(m).getTime() > now.getTime();
  return {
    upcoming: notOver.filter(isUpcoming).slice(0, limit),
    past: past.filter((m) => !isUpcoming(m)).slice(0, limit),
  };
}

export async function findMeetingByInviteToken(db: Db, token: string) {
  return db.meeting.findUnique({
    where: { inviteToken: token },
    select: { id: true, title: true, status: true, requireSignIn: true, startsAt: true, durationMinutes: true, timeZone: true, hostId: true, host: { select: { name: true, email: true } } },
  });
}
