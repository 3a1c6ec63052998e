// What the signaling server asks about a meeting when someone binds to its room: is the
// join token still good (not revoked by cancel, end-for-all or a new invite link), and what
// are the meeting's room settings (waiting room, guests before the host, start time)?
// server/index.ts installs the database-backed gate (db-meeting-gate.ts); tests and rooms
// without a meeting use the open gate.
import type { JoinTokenClaims } from "../../lib/auth/join-token";
import type { ErrorCode } from "../../lib/signaling/protocol";
import type { RoomSettings } from "./room-lobby";

/** `settings` null: the token names no meeting (tests, streams); the room keeps what it has. */
export type GateResult = { ok: true; settings: RoomSettings | null } | { ok: false; code: ErrorCode; message: string };

export interface MeetingGate {
  check(claims: JoinTokenClaims): Promise<GateResult>;
  /**
   * The meeting was ended for everyone: join tokens issued until now stop working, and its
   * room closes on every node with `message`.
   */
  endMeeting(meetingId: string, message: string): Promise<void>;
}

/** Every token is good, no meeting settings, nothing to revoke. */
export const openMeetingGate: MeetingGate = {
  async check() {
    return { ok: true, settings: null };
  },
  async endMeeting() {},
};
