import { randomBytes } from "node:crypto";

/** A fresh invite token: 24 random bytes (192 bits), base64url (32 chars). */
export function generateInviteToken(): string {
  return randomBytes(24).toString("base64url");
}

/** Cheap shape check before touching the database. */
export function looksLikeInviteToken(token: unknown): token is string {
  return typeof token === "string" && /^[A-Za-z0-9_-]{16,128}$/.test(token);
}

export function inviteUrl(origin: string, token: string): string {
  return `${origin.replace(/\/+$/, "")}/j/${token}`;
}
