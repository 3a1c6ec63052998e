"use server";
import { prisma } from "@/lib/db";
import { fieldErrors, signUpSchema } from "@/lib/auth/schemas";
import { signUpWithPassword } from "@/lib/auth/users";
import { sendVerificationMail } from "@/lib/auth/verification";
import { requestOrigin } from "@/lib/meetings/origin";

export type SignUpState = {
  ok: boolean;
  fieldErrors?: Record<string, string>;
  formError?: string;
};

/**
 * Creates the account and mails the verification link (in the background: a slow mail
 * server must not hold up the sign-up); the form then signs in with the same credentials.
 * An unverified account can sign in and host; ADMIN_EMAILS and OAuth linking wait for it.
 */
export async function signUpAction(_prev: SignUpState, formData: FormData): Promise<SignUpState> {
  const parsed = signUpSchema.safeParse({
    name: formData.get("name") ?? "",
    email: formData.get("email") ?? "",
    password: formData.get("password") ?? "",
  });
  if (!parsed.success) {
    return { ok: false, fieldErrors: fieldErrors(parsed.error), formError: "Please fix the highlighted fields." };
  }
  try {
    const result = await signUpWithPassword(prisma, parsed.data);
    if (!result.ok) return { ok: false, fieldErrors: { email: result.error }, formError: result.error };
    const origin = await requestOrigin();
    void sendVerificationMail(prisma, result.user, origin).catch((err) => console.error("verification mail failed", err));
    return { ok: true };
  } catch (err) {
    console.error("sign-up failed", err);
    return { ok: false, formError: "Could not create the account. Please try again." };
  }
}
