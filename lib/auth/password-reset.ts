// Password reset by mail: a single-use 1 h link. Asking for one answers the same whether or
// not the address has an account (the mail goes out in the background, so the answer takes
// the same time too); asking is rate-limited per address and per client address. Using the
// link sets the password, proves the address (verified) and signs out every other session.
import type { Db } from "@/lib/db";
import { consumeEmailToken, issueEmailToken } from "@/lib/auth/email-tokens";
import { FailureRateLimiter, retryAfterMinutes } from "@/lib/auth/rate-limit";
import { hashPassword } from "@/lib/auth/users";
import { sendMail } from "@/lib/mail/mailer";
import { passwordResetMail } from "@/lib/mail/templates";

export const RESET_PER_EMAIL = 3;
export const RESET_PER_IP = 10;
export const RESET_WINDOW_MS = 15 * 60_000;

/** The answer shown for every accepted request. */
export const RESET_SENT_MESSAGE =
  "If an account exists for that address, we sent it a link to choose a new password. It works for 1 hour.";

export function resetUrl(origin: string, token: string): string {
  return `${origin.replace(/\/+$/, "")}/reset-password?token=${encodeURIComponent(token)}`;
}

/** Process-wide limiters for reset requests (swap for a shared store on several nodes). */
export function resetLimiters(): { email: FailureRateLimiter; ip: FailureRateLimiter } {
  const g = globalThis as unknown as { __meetResetLimiters?: { email: FailureRateLimiter; ip: FailureRateLimiter } };
  return (g.__meetResetLimiters ??= {
    email: new FailureRateLimiter({ maxFailures: RESET_PER_EMAIL, windowMs: RESET_WINDOW_MS }),
    ip: new FailureRateLimiter({ maxFailures: RESET_PER_IP, windowMs: RESET_WINDOW_MS }),
  });
}

export type ResetRequestResult = { ok: true; message: string; mailed: Promise<void> } | { ok: false; error: string };

/**
 * Handles "forgot password" for a validated address. `mailed` settles when the background
 * work is done (tests await it; the action does not).
 */
export async function requestPasswordReset(
  db: Db,
  email: string,
  ip: string,
  origin: string,
  limiters = resetLimiters(),
): Promise<ResetRequestResult> {
  const byEmail = limiters.email.check(email);
  const byIp = limiters.ip.check(ip);
  if (!byEmail.allowed || !byIp.allowed) {
    const wait = Math.max(byEmail.allowed ? 0 : byEmail.retryAfterMs, byIp.allowed ? 0 : byIp.retryAfterMs);
    const minutes = retryAfterMinutes(wait);
    return { ok: false, error: `Too many requests. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.` };
  }
  limiters.email.recordFailure(email); // every request counts against the limits
  limiters.ip.recordFailure(ip);
  const mailed = (async () => {
    const user = await db.user.findUnique({ where: { email }, select: { id: true, email: true } });
    if (!user) return;
    const token = await issueEmailToken(db, "reset", user.id);
    await sendMail(passwordResetMail(user.email, resetUrl(origin, token)));
  })().catch((err) => console.error("[mail] password reset mail failed", err));
  return { ok: true, message: RESET_SENT_MESSAGE, mailed };
}

export type ResetResult = { ok: true; email: string } | { ok: false; error: string };

/** Sets the new password with a reset link (validated password). */
export async function resetPassword(db: Db, token: unknown, password: string, now: Date = new Date()): Promise<ResetResult> {
  const used = await consumeEmailToken(db, "reset", token, { now });
  if (!used.ok) {
    return { ok: false, error: used.reason === "expired" ? "This link has expired. Ask for a new one." : "This link is not valid (it may have been used already). Ask for a new one." };
  }
  const user = await db.user.findUnique({ where: { id: used.userId }, select: { id: true, email: true, emailVerified: true } });
  if (!user) return { ok: false, error: "This account no longer exists." };
  await db.user.update({
    where: { id: user.id },
    data: { passwordHash: await hashPassword(password), emailVerified: user.emailVerified ?? now, sessionsValidFrom: now },
  });
  // Other reset links of this account stop working too.
  await db.verificationToken.deleteMany({ where: { identifier: `reset:${user.id}` } });
  return { ok: true, email: user.email };
}
