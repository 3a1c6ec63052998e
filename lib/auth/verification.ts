// Address verification: a signed, single-use, 24 h link sent at sign-up (and on request).
// Using it marks the address verified, which is what ADMIN_EMAILS and OAuth linking wait for.
import type { Db } from "@/lib/db";
import { consumeEmailToken, issueEmailToken } from "@/lib/auth/email-tokens";
import { applyConfiguredAdmin } from "@/lib/auth/users";
import { sendMail, type SendResult } from "@/lib/mail/mailer";
import { verificationMail } from "@/lib/mail/templates";

export function verifyUrl(origin: string, token: string): string {
  return `${origin.replace(/\/+$/, "")}/verify-email?token=${encodeURIComponent(token)}`;
}

/** Issues a fresh link (the previous one stops working) and mails it. */
export async function sendVerificationMail(
  db: Db,
  user: { id: string; email: string; name: string | null },
  origin: string,
): Promise<SendResult> {
  const token = await issueEmailToken(db, "verify", user.id);
  return sendMail(verificationMail(user.email, user.name, verifyUrl(origin, token)));
}

export type VerifyResult = { ok: true; email: string; admin: boolean } | { ok: false; reason: "invalid" | "expired" };

/** Uses a verification link: the address is verified (once), ADMIN_EMAILS applies. */
export async function verifyEmailToken(db: Db, token: unknown, env: NodeJS.ProcessEnv = process.env): Promise<VerifyResult> {
  const used = await consumeEmailToken(db, "verify", token);
  if (!used.ok) return used;
  const existing = await db.user.findUnique({
    where: { id: used.userId },
    select: { id: true, name: true, email: true, role: true, emailVerified: true },
  });
  if (!existing) return { ok: false, reason: "invalid" };
  const emailVerified = existing.emailVerified ?? new Date();
  if (!existing.emailVerified) await db.user.update({ where: { id: existing.id }, data: { emailVerified } });
  const user = await applyConfiguredAdmin(db, { ...existing, emailVerified }, env);
  return { ok: true, email: user.email, admin: user.role === "ADMIN" };
}
