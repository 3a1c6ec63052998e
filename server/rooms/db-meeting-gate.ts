// The meeting gate over the database: one primary-key lookup per bind, so cancelling a
// meeting, ending it for everyone (tokenEpoch + 1) or regenerating its invite link refuses
// the tokens issued before, on every node that shares the database.
import type { Db } from "../../lib/db";
import { announceMeetingEnded } from "../../lib/cluster/revocation";
import { checkTokenAgainstMeeting } from "../../lib/rooms/token-validity";
import type { MeetingGate } from "./meeting-gate";

export function createDbMeetingGate(db: Db): MeetingGate {
  return {
    async check(claims) {
      // Tokens without a meeting (admins' stream tokens) have no meeting state to check.
      if (!claims.mid) return { ok: true, settings: null };
      const meeting = await db.meeting.findUnique({
        where: { id: claims.mid },
        select: { status: true, tokenEpoch: true, inviteToken: true, waitingRoom: true, joinBeforeHost: true, startsAt: true },
      });
      const validity = checkTokenAgainstMeeting(meeting, claims);
      if (!validity.ok) return { ok: false, code: "UNAUTHORIZED", message: validity.message };
      return {
        ok: true,
        settings: {
          waitingRoom: meeting!.waitingRoom,
          joinBeforeHost: meeting!.joinBeforeHost,
          startsAt: meeting!.startsAt.toISOString(),
        },
      };
    },
    async endMeeting(meetingId, message) {
      await db.meeting.updateMany({ where: { id: meetingId }, data: { tokenEpoch: { increment: 1 } } });
      // other nodes hosting part of the room (cascade) close theirs too
      await announceMeetingEnded(meetingId, "ended", message);
    },
  };
}
