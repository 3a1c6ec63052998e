"use server";
// Server actions of the mail-based account flows: verification, resend, password reset.
import { headers } from "next/headers";
import { prisma } from "@/lib/db";
import { clientIp } from "@/lib/auth/client-ip";
import { getCurrentUserWithStatus } from "@/lib/auth/session";
import { emailSchema, passwordSchema } from "@/lib/auth/schemas";
import { FailureRateLimiter } from "@/lib/auth/rate-limit";
import { requestPasswordReset, resetPassword } from "@/lib/auth/password-reset";
import { sendVerificationMail, verifyEmailToken } from "@/lib/auth/verification";
import { requestOrigin } from "@/lib/meetings/origin";

export type FlowState = { status: "idle" | "ok" | "error"; message?: string; fieldError?: string };

export async function verifyEmailAction(token: string, _prev: FlowState): Promise<FlowState> {
  const r = await verifyEmailToken(prisma, token);
  if (!r.ok) {
    return {
      status: "error",
      message: r.reason === "expired" ? "This link has expired. Sign in and ask for a new one." : "This link is not valid or was already used.",
    };
  }
  return { status: "ok", message: `Your address ${r.email} is confirmed.${r.admin ? " You are an admin of this site." : ""}` };
}

function resendLimiter(): FailureRateLimiter {
  const g = globalThis as unknown as { __meetResendLimiter?: FailureRateLimiter };
  return (g.__meetResendLimiter ??= new FailureRateLimiter({ maxFailures: 3, windowMs: 15 * 60_000 }));
}

export async function resendVerificationAction(_prev: FlowState): Promise<FlowState> {
  const user = await getCurrentUserWithStatus();
  if (!user) return { status: "error", message: "Please sign in again." };
  if (user.emailVerified) return { status: "ok", message: "Your address is already confirmed." };
  const limiter = resendLimiter();
  if (!limiter.check(user.id).allowed) return { status: "error", message: "We just sent a few links. Please wait a few minutes." };
  limiter.recordFailure(user.id);
  const sent = await sendVerificationMail(prisma, user, await requestOrigin());
  return sent.ok
    ? { status: "ok", message: `We sent a new link to ${user.email}.` }
    : { status: "error", message: "The mail could not be sent. Please try again later." };
}

export async function requestResetAction(_prev: FlowState, formData: FormData): Promise<FlowState> {
  const email = emailSchema.safeParse(formData.get("email") ?? "");
  if (!email.success) return { status: "error", fieldError: email.error.issues[0].message };
  const h = await headers();
  const r = await requestPasswordReset(prisma, email.data, clientIp(h), await requestOrigin());
  return r.ok ? { status: "ok", message: r.message } : { status: "error", message: r.error };
}

export async function resetPasswordAction(token: string, _prev: FlowState, formData: FormData): Promise<FlowState> {
  const password = passwordSchema.safeParse(formData.get("password") ?? "");
  if (!password.success) return { status: "error", fieldError: password.error.issues[0].message };
  const r = await resetPassword(prisma, token, password.data);
  return r.ok ? { status: "ok", message: "Your password was changed. Sign in with the new one." } : { status: "error", message: r.error };
}
