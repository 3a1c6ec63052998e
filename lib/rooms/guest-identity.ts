// A guest's stable identity across joins: the join-token route keeps the guest's
// participantKey in a signed, HttpOnly cookie, so a guest who leaves and rejoins (or reloads)
// is the same person for the room and the attendance report, not a new row. The cookie
// grants nothing by itself (joining still needs the invite); the HMAC stops anyone from
// choosing another guest's key (which would take over their place in the room).
import { createHmac, timingSafeEqual } from "node:crypto";
import { newGuestParticipantKey } from "@/lib/auth/join-token";
import { getJoinTokenSecret } from "@/lib/auth/secret";

export const GUEST_COOKIE = "meet_guest";
const MAX_AGE_S = 30 * 24 * 3600;

function mac(key: string, secret: string): string {
  return createHmac("sha256", secret).update(`meet-guest:${key}`).digest("base64url").slice(0, 32);
}

/** The guest key of a valid cookie value, else null. */
export function guestKeyFromCookie(value: string | undefined | null, secret: string = getJoinTokenSecret()): string | null {
  if (!value || value.length > 200) return null;
  const m = /^(guest:[A-Za-z0-9_-]{16,64})\.([A-Za-z0-9_-]{32})$/.exec(value);
  if (!m) return null;
  const want = Buffer.from(mac(m[1], secret));
  const got = Buffer.from(m[2]);
  return want.length === got.length && timingSafeEqual(want, got) ? m[1] : null;
}

/** A new guest key and its cookie value. */
export function newGuestIdentity(secret: string = getJoinTokenSecret()): { key: string; cookie: string } {
  const key = newGuestParticipantKey();
  return { key, cookie: `${key}.${mac(key, secret)}` };
}

/** Reads the Cookie header. */
export function cookieValue(header: string | null, name: string = GUEST_COOKIE): string | null {
  for (const part of (header ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return null;
}

export function guestSetCookie(cookie: string, secure: boolean): string {
  return `${GUEST_COOKIE}=${encodeURIComponent(cookie)}; Path=/api/rooms; Max-Age=${MAX_AGE_S}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}
