// Password sign-up as both the form and POST /api/auth/signup do it: create the account, then
// mail the verification link in the background (a slow mail server must not hold up the
// sign-up). An unverified account can sign in and host; ADMIN_EMAILS and OAuth linking wait.
import type { Db } from "@/lib/db";
import type { SignUpInput } from "@/lib/auth/schemas";
import { signUpWithPassword, type SignUpResult } from "@/lib/auth/users";
import { sendVerificationMail } from "@/lib/auth/verification";

export async function signUpAndVerify(db: Db, input: SignUpInput, origin: string): Promise<SignUpResult> {
  const result = await signUpWithPassword(db, input);
  if (result.ok) {
    void sendVerificationMail(db, result.user, origin).catch((err) => console.error("[mail] verification mail failed", err));
  }
  return result;
}
