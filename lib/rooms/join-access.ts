// Who may join which room (the room id IS the meeting id). Pure decision logic over the
// database, used by POST /api/rooms/[roomId]/join-token and tested without HTTP.
//
//   unknown meeting                         -> 404
//   cancelled                               -> 410
//   signed-in host                          -> host token
//   inviteToken missing / not the current   -> 403
//   signed-in user with the invite          -> user token (sub = uid = user id)
//   signed out, meeting requires sign-in    -> 401
//   signed out, guests allowed              -> guest token (sub = "guest:<random>", or the
//                                              key of a valid rejoin ticket for this room:
//                                              the same person coming back); the
//                                              name defaults to "Guest" because the room
//                                              client fetches its token while the visitor is
//                                              still typing (the join request carries the
//                                              final name)
import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/lib/db";
import { displayNameSchema, roomIdSchema } from "@/lib/signaling/protocol";
import { newGuestParticipantKey, type JoinTokenClaims } from "@/lib/auth/join-token";
import { verifyRejoinTicket } from "./rejoin-ticket";
import { inviteFingerprint } from "./token-validity";
import { displayNameOf } from "@/lib/auth/users";

export const GUEST_NAME = "Guest";

export const joinRequestSchema = z.object({
  displayName: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    displayNameSchema.optional(),
  ),
  inviteToken: z.string().max(256).optional(),
  /** From an earlier `join` reply: keeps a guest's identity across a rejoin. */
  rejoinTicket: z.string().max(4096).optional(),
});
export type JoinRequest = z.infer<typeof joinRequestSchema>;

export interface JoinUser {
  id: string;
  name: string | null;
  email: string;
}

export type JoinAccessErrorCode =
  | "bad_request"
  | "not_found"
  | "cancelled"
  | "invalid_invite"
  | "sign_in_required";

export type JoinAccessResult =
  | { ok: true; claims: JoinTokenClaims }
  | { ok: false; status: 400 | 401 | 403 | 404 | 410; code: JoinAccessErrorCode; message: string };

function deny(status: 400 | 401 | 403 | 404 | 410, code: JoinAccessErrorCode, message: string): JoinAccessResult {
  return { ok: false, status, code, message };
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function resolveJoinAccess(
  db: Db,
  input: { roomId: string; user: JoinUser | null; body: unknown },
): Promise<JoinAccessResult> {
  const parsed = joinRequestSchema.safeParse(input.body ?? {});
  if (!parsed.success) return deny(400, "bad_request", parsed.error.issues[0]?.message ?? "invalid request");
  const { displayName, inviteToken, rejoinTicket } = parsed.data;

  if (!roomIdSchema.safeParse(input.roomId).success) return deny(404, "not_found", "This meeting does not exist.");
  const meeting = await db.meeting.findUnique({
    where: { id: input.roomId },
    select: { id: true, hostId: true, status: true, inviteToken: true, requireSignIn: true, tokenEpoch: true },
  });
  if (!meeting) return deny(404, "not_found", "This meeting does not exist.");
  if (meeting.status === "cancelled") return deny(410, "cancelled", "This meeting was cancelled.");

  const { user } = input;
  // ep/inv tie the token to this state of the meeting: ending it, cancelling it or a new
  // invite link revokes the token (checked by the signaling server at every bind).
  const base = { room: meeting.id, mid: meeting.id, ep: meeting.tokenEpoch };
  if (user && user.id === meeting.hostId) {
    return {
      ok: true,
      claims: { ...base, sub: user.id, uid: user.id, name: displayName ?? displayNameOf(user), host: true, guest: false },
    };
  }

  if (!inviteToken || !sameToken(inviteToken, meeting.inviteToken)) {
    return deny(403, "invalid_invite", "This invite link is no longer valid.");
  }

  const invited = { ...base, inv: inviteFingerprint(meeting.inviteToken) };
  if (user) {
    return {
      ok: true,
      claims: { ...invited, sub: user.id, uid: user.id, name: displayName ?? displayNameOf(user), host: false, guest: false },
    };
  }
  if (meeting.requireSignIn) return deny(401, "sign_in_required", "Sign in to join this meeting.");
  // A ticket that is not genuine (or for another room) is ignored: the person still gets in,
  // as a new guest.
  const ticket = rejoinTicket ? await verifyRejoinTicket(rejoinTicket, meeting.id) : null;
  const sub = ticket?.guest ? ticket.sub : newGuestParticipantKey();
  return {
    ok: true,
    claims: { ...invited, sub, name: displayName ?? GUEST_NAME, host: false, guest: true },
  };
}
