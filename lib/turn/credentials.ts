// Time-limited TURN credentials, the "TURN REST API" convention that coturn implements with
// `use-auth-secret` + `static-auth-secret`: nothing is stored per user; coturn recomputes
// the password from the username and the shared secret and refuses it once the expiry
// written in the username has passed.
//
//   username   = "<unix expiry seconds>:<participantKey>"
//   credential = base64(HMAC-SHA1(secret, username))
import { createHmac } from "node:crypto";
import type { IceServer } from "../signaling/protocol";

export type { IceServer };

export const DEFAULT_TURN_TTL_SECONDS = 3600;

export type TurnSettings = {
  /** turn:/turns:/stun: URLs (TURN_URLS). */
  urls: readonly string[];
  /** coturn's static-auth-secret (TURN_SECRET). */
  secret?: string;
  ttlSeconds?: number;
};

export function turnPassword(secret: string, username: string): string {
  return createHmac("sha1", secret).update(username).digest("base64");
}

/** Username + credential valid until now + ttl for this participant. */
export function turnRestCredentials(
  secret: string,
  participantKey: string,
  options: { ttlSeconds?: number; now?: Date } = {},
): { username: string; credential: string; expiresAt: Date } {
  const ttl = options.ttlSeconds ?? DEFAULT_TURN_TTL_SECONDS;
  const expiry = Math.floor((options.now ?? new Date()).getTime() / 1000) + ttl;
  // coturn reads the timestamp up to the first ':', so keys that contain ':' ("guest:…") are fine.
  const username = `${expiry}:${participantKey}`;
  return { username, credential: turnPassword(secret, username), expiresAt: new Date(expiry * 1000) };
}

/**
 * The iceServers a client should use: TURN URLs with fresh credentials, STUN URLs without.
 * Empty when no TURN_URLS are configured (the default: ICE goes straight to the SFU).
 */
export function iceServersFor(settings: TurnSettings, participantKey: string, now?: Date): IceServer[] {
  const turn = settings.urls.filter((u) => u.startsWith("turn"));
  const stun = settings.urls.filter((u) => u.startsWith("stun"));
  const servers: IceServer[] = [];
  if (turn.length > 0 && settings.secret) {
    const { username, credential } = turnRestCredentials(settings.secret, participantKey, {
      ttlSeconds: settings.ttlSeconds,
      now,
    });
    servers.push({ urls: turn, username, credential });
  }
  if (stun.length > 0) servers.push({ urls: stun });
  return servers;
}
