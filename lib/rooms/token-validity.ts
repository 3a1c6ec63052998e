// Whether a (signature-checked, unexpired) join token still holds for its meeting. Pure; the
// signaling server's database gate (server/rooms/db-meeting-gate.ts) applies it at every
// bind, so a revocation takes effect on the next join without any list to keep:
//
//   meeting gone or cancelled                 -> refused
//   token epoch != meeting.tokenEpoch         -> refused (the meeting was ended for everyone
//                                                or cancelled after the token was issued)
//   invite fingerprint != current invite's    -> refused (the invite link was regenerated)
//   a non-host token without a fingerprint    -> refused (every invite-based token carries one)
//
// The epoch lives in the database, so it is the same for every node of a cluster.
import { createHash } from "node:crypto";

export type MeetingTokenState = {
  status: "scheduled" | "cancelled";
  tokenEpoch: number;
  inviteToken: string;
};

/** The claims that tie a token to one state of its meeting. */
export type TokenBinding = { host: boolean; ep?: number; inv?: string };

export type TokenValidity = { ok: true } | { ok: false; reason: "not_found" | "cancelled" | "ended" | "invite_changed"; message: string };

/** A short, one-way name for an invite token: what join tokens carry instead of the invite itself. */
export function inviteFingerprint(inviteToken: string): string {
  return createHash("sha256").update(`meet-invite:${inviteToken}`).digest("base64url").slice(0, 16);
}

export function checkTokenAgainstMeeting(meeting: MeetingTokenState | null, claims: TokenBinding): TokenValidity {
  if (!meeting) return { ok: false, reason: "not_found", message: "this meeting no longer exists" };
  if (meeting.status === "cancelled") return { ok: false, reason: "cancelled", message: "this meeting was cancelled" };
  if ((claims.ep ?? 0) !== meeting.tokenEpoch) {
    return { ok: false, reason: "ended", message: "this join token is from before the meeting was ended; fetch a new one" };
  }
  if (!claims.host && claims.inv !== inviteFingerprint(meeting.inviteToken)) {
    return { ok: false, reason: "invite_changed", message: "the invite link this token came from was replaced; ask the host for the new link" };
  }
  return { ok: true };
}
