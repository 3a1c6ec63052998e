"use server";
import { prisma } from "@/lib/db";
import { fieldErrors, signUpSchema } from "@/lib/auth/schemas";
import { signUpAndVerify } from "@/lib/auth/signup";
import { requestOrigin } from "@/lib/meetings/origin";

export type SignUpState = {
  ok: boolean;
  fieldErrors?: Record<string, string>;
  formError?: string;
};

/** Creates the account and mails the verification link; the form then signs in with the same credentials. */
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
    const result = await signUpAndVerify(prisma, parsed.data, await requestOrigin());
    if (!result.ok) return { ok: false, fieldErrors: { email: result.error }, formError: result.error };
    return { ok: true };
  } catch (err) {
    console.error("sign-up failed", err);
    return { ok: false, formError: "Could not create the account. Please try again." };
  }
}
