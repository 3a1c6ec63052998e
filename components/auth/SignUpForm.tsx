"use client";
import Link from "next/link";
import { useActionState, useState, startTransition } from "react";
import { signIn } from "next-auth/react";
import { signUpAction, type SignUpState } from "@/app/(auth)/signup/actions";
import { fieldErrors, signUpSchema } from "@/lib/auth/schemas";
import { Button } from "@/components/ui/Button";
import { Input } from "@/components/ui/Field";
import { FormError } from "@/components/ui/FormError";
import { useHydrated } from "@/components/ui/useHydrated";

export function SignUpForm({ callbackUrl }: { callbackUrl: string }) {
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  const hydrated = useHydrated();
  const [state, run, pending] = useActionState<SignUpState, FormData>(async (prev, formData) => {
    const result = await signUpAction(prev, formData);
    if (!result.ok) return result;
    const res = await signIn("credentials", {
      redirect: false,
      email: String(formData.get("email") ?? ""),
      password: String(formData.get("password") ?? ""),
    });
    if (!res || res.error) {
      return { ok: false, formError: "Your account was created, but signing in failed. Please sign in." };
    }
    window.location.assign(callbackUrl);
    return { ok: true };
  }, { ok: false });

  const errors = { ...(state.fieldErrors ?? {}), ...clientErrors };
  const formError = Object.keys(clientErrors).length ? "Please fix the highlighted fields." : state.formError;

  return (
    <form
      noValidate
      method="post"
      className="space-y-4"
      aria-describedby={formError ? "signup-form-error" : undefined}
      onSubmit={(e) => {
        e.preventDefault();
        const formData = new FormData(e.currentTarget);
        const parsed = signUpSchema.safeParse(Object.fromEntries(formData));
        if (!parsed.success) {
          setClientErrors(fieldErrors(parsed.error));
          return;
        }
        setClientErrors({});
        startTransition(() => run(formData));
      }}
    >
      <FormError id="signup-form-error" message={formError} />
      <Input id="signup-name" name="name" label="Name" autoComplete="name" data-testid="signup-name" error={errors.name} required />
      <Input
        id="signup-email"
        name="email"
        type="email"
        label="Email"
        autoComplete="email"
        data-testid="signup-email"
        error={errors.email}
        required
      />
      <Input
        id="signup-password"
        name="password"
        type="password"
        label="Password"
        autoComplete="new-password"
        hint="At least 8 characters."
        data-testid="signup-password"
        error={errors.password}
        required
        minLength={8}
      />
      <Button type="submit" className="w-full" data-testid="signup-submit" pending={pending} disabled={!hydrated} pendingText="Creating account…">
        Create account
      </Button>
      <p className="text-center text-sm text-slate-400">
        Already have an account?{" "}
        <Link className="text-sky-400 hover:underline" href={`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`}>
          Sign in
        </Link>
      </p>
    </form>
  );
}
