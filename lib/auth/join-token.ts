// Join tokens: short-lived HS256 JWTs that let one browser tab join one room.
// Issued by the Next route /api/rooms/[roomId]/join-token, verified by the signaling
// server (both run in the same Node process and read the secret from process.env at
// call time, so server/index.ts can set a random JOIN_TOKEN_SECRET before Next starts).
import { SignJWT, jwtVerify, errors as joseErrors } from "jose";

export const JOIN_TOKEN_TTL_SECONDS = 10 * 60;
const ISSUER = "meet";
const AUDIENCE = "meet-join";

/** What a join token says about its bearer. */
export type JoinTokenClaims = {
  /** Room id the token is valid for. */
  room: string;
  /** participantKey: the user id, or "guest:<random>" for guests. */
  sub: string;
  /** Suggested display name (the client may let the user change it). */
  name: string;
  host: boolean;
  guest: boolean;
  /** User id (absent for guests). */
  uid?: string;
  /** Meeting id (absent for ad-hoc rooms). */
  mid?: string;
  /** With several nodes: the node that hosts the room (only that node accepts the token). */
  node?: string;
  /**
   * The meeting's token epoch when issued; ending the meeting for everyone or cancelling it
   * moves the epoch on, which revokes the token (lib/rooms/token-validity.ts).
   */
  ep?: number;
  /** Fingerprint of the invite link the token was issued through (absent for the host). */
  inv?: string;
  /**
   * Ingest (bot) token: may stream an RTP source (ffmpeg) into the room through PlainTransports
   * (server/rooms/ingest.ts). Issued only to admins (POST /api/admin/rooms/[roomId]/ingest-token)
   * or by an operator holding the server secret (`npm run room:stream`).
   */
  ingest?: boolean;
};

export type JoinTokenErrorCode = "expired" | "wrong_room" | "invalid" | "no_secret";

export class JoinTokenError extends Error {
  constructor(
    readonly code: JoinTokenErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "JoinTokenError";
  }
}

export type VerifyJoinTokenResult =
  | { ok: true; claims: JoinTokenClaims; expiresAt: Date; /** token id (deny-list key) */ jti: string }
  | { ok: false; error: JoinTokenError };

const keyCache = new Map<string, Uint8Array>();

/** The HMAC key: JOIN_TOKEN_SECRET, else NEXTAUTH_SECRET (read at call time). */
export function secretKey(explicit?: string): Uint8Array {
  const secret = explicit ?? process.env.JOIN_TOKEN_SECRET ?? process.env.NEXTAUTH_SECRET;
  if (!secret) {
    throw new JoinTokenError(
      "no_secret",
      "JOIN_TOKEN_SECRET (or NEXTAUTH_SECRET) is not set; start the app with `npm run dev` / `npm start`",
    );
  }
  let key = keyCache.get(secret);
  if (!key) {
    key = new TextEncoder().encode(secret);
    keyCache.set(secret, key);
  }
  return key;
}

export function newGuestParticipantKey(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `guest:${Buffer.from(bytes).toString("base64url")}`;
}

export async function signJoinToken(
  claims: JoinTokenClaims,
  options: { ttlSeconds?: number; secret?: string; now?: Date } = {},
): Promise<{ token: string; expiresAt: Date; jti: string }> {
  const ttl = options.ttlSeconds ?? JOIN_TOKEN_TTL_SECONDS;
  const nowSec = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const exp = nowSec + ttl;
  const payload: Record<string, unknown> = {
    room: claims.room,
    name: claims.name,
    host: claims.host,
    guest: claims.guest,
  };
  if (claims.uid !== undefined) payload.uid = claims.uid;
  if (claims.mid !== undefined) payload.mid = claims.mid;
  if (claims.ep !== undefined) payload.ep = claims.ep;
  if (claims.inv !== undefined) payload.inv = claims.inv;
  if (claims.node !== undefined) payload.node = claims.node;
  const jti = Buffer.from(crypto.getRandomValues(new Uint8Array(12))).toString("base64url");
  if (claims.ingest) payload.ingest = true;
  const token = await new SignJWT(payload)
    .setJti(jti)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(nowSec)
    .setExpirationTime(exp)
    .sign(secretKey(options.secret));
  return { token, expiresAt: new Date(exp * 1000), jti };
}

function str(v: unknown): v is string {
  return typeof v === "string" && v.length > 0 && v.length <= 256;
}

/** Checks signature, expiry, issuer/audience and that the token is for `roomId`. Never throws. */
export async function verifyJoinToken(
  token: string,
  roomId: string,
  options: { secret?: string; now?: Date } = {},
): Promise<VerifyJoinTokenResult> {
  let key: Uint8Array;
  try {
    key = secretKey(options.secret);
  } catch (err) {
    return { ok: false, error: err as JoinTokenError };
  }
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ["HS256"],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ["exp", "sub"],
      currentDate: options.now,
    });
    const { room, sub, name, host, guest, uid, mid, node, ep, inv, ingest, exp, jti } = payload as Record<string, unknown>;
    if (
      !str(room) ||
      !str(sub) ||
      typeof name !== "string" ||
      typeof host !== "boolean" ||
      typeof guest !== "boolean" ||
      (uid !== undefined && !str(uid)) ||
      (mid !== undefined && !str(mid)) ||
      (ep !== undefined && !(typeof ep === "number" && Number.isInteger(ep) && ep >= 0)) ||
      (inv !== undefined && !str(inv)) ||
      (node !== undefined && !str(node)) ||
      (jti !== undefined && !str(jti)) ||
      (ingest !== undefined && typeof ingest !== "boolean") ||
      typeof exp !== "number"
    ) {
      return { ok: false, error: new JoinTokenError("invalid", "join token has malformed claims") };
    }
    if (room !== roomId) {
      return {
        ok: false,
        error: new JoinTokenError("wrong_room", "join token is for another room"),
      };
    }
    const claims: JoinTokenClaims = { room, sub, name, host, guest };
    if (uid !== undefined) claims.uid = uid as string;
    if (mid !== undefined) claims.mid = mid as string;
    if (ep !== undefined) claims.ep = ep as number;
    if (inv !== undefined) claims.inv = inv as string;
    if (node !== undefined) claims.node = node as string;
    // tokens signed before jti existed get a stable stand-in (they cannot be revoked singly)
    const id = typeof jti === "string" ? jti : `legacy:${sub}:${exp}`;
    if (ingest === true) claims.ingest = true;
    return { ok: true, claims, expiresAt: new Date(exp * 1000), jti: id };
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) {
      return { ok: false, error: new JoinTokenError("expired", "join token has expired; fetch a new one") };
    }
    return { ok: false, error: new JoinTokenError("invalid", "join token is invalid") };
  }
}
