// Rejoin tickets: what lets a participant come back as the same person after the server
// forgot them (grace period over, server restarted). Handed out in the `join` reply and
// presented to the join-token route, which then keeps the ticket's participantKey instead of
// minting a new guest identity — so the history keeps one attendance per person and a host's
// "removed" list still applies. A ticket grants no access by itself: the route still checks
// the meeting, the invite and the sign-in rules.
import { SignJWT, jwtVerify } from "jose";
import { secretKey } from "@/lib/auth/join-token";

/** Long enough for a long meeting; the access rules are checked again on every use. */
export const REJOIN_TICKET_TTL_SECONDS = 12 * 60 * 60;
const ISSUER = "meet";
const AUDIENCE = "meet-rejoin";

export type RejoinTicketClaims = { room: string; sub: string; guest: boolean };

export async function signRejoinTicket(
  claims: RejoinTicketClaims,
  options: { ttlSeconds?: number; secret?: string; now?: Date } = {},
): Promise<string> {
  const nowSec = Math.floor((options.now ?? new Date()).getTime() / 1000);
  return new SignJWT({ room: claims.room, guest: claims.guest })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(nowSec)
    .setExpirationTime(nowSec + (options.ttlSeconds ?? REJOIN_TICKET_TTL_SECONDS))
    .sign(secretKey(options.secret));
}

/** The ticket's claims when it is genuine, unexpired and for `roomId`; otherwise null. */
export async function verifyRejoinTicket(
  ticket: string,
  roomId: string,
  options: { secret?: string; now?: Date } = {},
): Promise<RejoinTicketClaims | null> {
  try {
    const { payload } = await jwtVerify(ticket, secretKey(options.secret), {
      algorithms: ["HS256"],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ["exp", "sub"],
      currentDate: options.now,
    });
    const { room, guest, sub } = payload as Record<string, unknown>;
    if (room !== roomId || typeof guest !== "boolean" || typeof sub !== "string" || !sub || sub.length > 256) return null;
    return { room, sub, guest };
  } catch {
    return null;
  }
}
