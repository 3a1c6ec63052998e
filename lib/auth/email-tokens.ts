// Single-purpose, single-use, short-lived tokens for links sent by mail: address
// verification (24 h) and password reset (1 h). The link carries `<random>.<HMAC>`: the HMAC
// (auth secret, purpose) rejects forged or cross-purpose tokens without a database read; the
// database keeps only a SHA-256 of the token (VerificationToken), deleted when it is used,
// when a newer link of the same purpose is issued, or when it has expired.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "@/lib/db";
import { getAuthSecret } from "@/lib/auth/secret";

export type TokenPurpose = "verify" | "reset";

export const TOKEN_TTL_MS: Record<TokenPurpose, number> = {
  verify: 24 * 3_600_000,
  reset: 3_600_000,
};

function mac(purpose: TokenPurpose, random: string, secret: string): string {
  return createHmac("sha256", secret).update(`meet-mail-token:${purpose}:${random}`).digest("base64url").slice(0, 32);
}

const hash = (token: string) => createHash("sha256").update(token).digest("hex");
const identifier = (purpose: TokenPurpose, userId: string) => `${purpose}:${userId}`;

/** A new link token for `userId`; earlier tokens of the same purpose stop working. */
export async function issueEmailToken(
  db: Db,
  purpose: TokenPurpose,
  userId: string,
  opts: { now?: Date; secret?: string } = {},
): Promise<string> {
  const now = opts.now ?? new Date();
  const random = randomBytes(32).toString("base64url");
  const token = `${random}.${mac(purpose, random, opts.secret ?? getAuthSecret())}`;
  const id = identifier(purpose, userId);
  await db.$transaction([
    db.verificationToken.deleteMany({ where: { OR: [{ identifier: id }, { expires: { lt: now } }] } }),
    db.verificationToken.create({ data: { identifier: id, token: hash(token), expires: new Date(now.getTime() + TOKEN_TTL_MS[purpose]) } }),
  ]);
  return token;
}

export type ConsumeResult = { ok: true; userId: string } | { ok: false; reason: "invalid" | "expired" };

/** Cheap shape + signature check (no database). */
export function looksSigned(purpose: TokenPurpose, token: unknown, secret: string = getAuthSecret()): token is string {
  if (typeof token !== "string" || token.length > 200) return false;
  const m = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{32})$/.exec(token);
  if (!m) return false;
  const want = Buffer.from(mac(purpose, m[1], secret));
  const got = Buffer.from(m[2]);
  return want.length === got.length && timingSafeEqual(want, got);
}

/**
 * Uses a token up: valid once, for its purpose, before it expires. Race-free: of two
 * concurrent uses only the one whose delete removed the row succeeds.
 */
export async function consumeEmailToken(
  db: Db,
  purpose: TokenPurpose,
  token: unknown,
  opts: { now?: Date; secret?: string } = {},
): Promise<ConsumeResult> {
  if (!looksSigned(purpose, token, opts.secret)) return { ok: false, reason: "invalid" };
  const now = opts.now ?? new Date();
  const row = await db.verificationToken.findUnique({ where: { token: hash(token) } });
  if (!row || !row.identifier.startsWith(`${purpose}:`)) return { ok: false, reason: "invalid" };
  const { count } = await db.verificationToken.deleteMany({ where: { token: row.token } });
  if (count !== 1) return { ok: false, reason: "invalid" }; // used at the same moment elsewhere
  if (row.expires <= now) return { ok: false, reason: "expired" };
  return { ok: true, userId: row.identifier.slice(purpose.length + 1) };
}

/** Whether a reset/verification token would still be accepted (shows the form or an error first). */
export async function peekEmailToken(db: Db, purpose: TokenPurpose, token: unknown, now: Date = new Date()): Promise<boolean> {
  if (!looksSigned(purpose, token)) return false;
  const row = await db.verificationToken.findUnique({ where: { token: hash(token) } });
  return !!row && row.identifier.startsWith(`${purpose}:`) && row.expires > now;
}
