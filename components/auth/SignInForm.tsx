"use client";
import Link from "next/link";
import { useActionState, useState, startTransition } from "react";
import { signIn } from "next-auth/react";
import { fieldErrors, signInSchema } from "@/lib/auth/schemas";
import { Button, buttonClass } from "@/components/ui/Button";
import { Input } from "@/components/ui/Field";
import { FormError } from "@/components/ui/FormError";
import { useHydrated } from "@/components/ui/useHydrated";

type State = { error?: string };

/** Text for the error codes lib/auth/options.ts (and next-auth) put in `?error=`. */
export function signInErrorMessage(code: string | null | undefined): string | undefined {
  if (!code) return undefined;
  if (code.startsWith("RateLimited")) {
    const minutes = Number(code.split(":")[1]) || 15;
    return `Too many attempts, try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
  }
  switch (code) {
    case "InvalidCredentials":
    case "CredentialsSignin":
      return "Wrong email or password.";
    case "BadInput":
      return "Enter your email and password.";
    case "OAuthLocalUnverified":
      return "An account with this email address already exists, but its address is not confirmed yet. Sign in with your password and confirm the address from the mail we sent (or reset the password by mail), then use this provider again.";
    case "OAuthEmailUnverified":
      return "The provider has not verified this email address, so it cannot be used to sign in here. Verify it with the provider first.";
    case "OAuthNoEmail":
      return "The provider did not share an email address.";
    case "OAuthAccountNotLinked":
    case "AccessDenied":
      return "That account could not be used to sign in.";
    case "SessionRequired":
      return "Please sign in to continue.";
    default:
      return "Sign-in failed. Please try again.";
  }
}

export function SignInForm({
  callbackUrl,
  initialError,
  oauth,
}: {
  callbackUrl: string;
  initialError?: string;
  oauth: { id: string; name: string }[];
}) {
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  const hydrated = useHydrated();
  const [state, run, pending] = useActionState<State, FormData>(
    async (_prev, formData) => {
      const res = await signIn("credentials", {
        redirect: false,
        email: String(formData.get("email") ?? ""),
        password: String(formData.get("password") ?? ""),
        callbackUrl,
      });
      if (!res || res.error) return { error: signInErrorMessage(res?.error ?? "default") };
      window.location.assign(callbackUrl);
      return {};
    },
    { error: signInErrorMessage(initialError) },
  );

  const formError = Object.keys(clientErrors).length ? "Please fix the highlighted fields." : state.error;

  return (
    <div className="space-y-6">
      <form
        noValidate
        method="post"
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          const formData = new FormData(e.currentTarget);
          const parsed = signInSchema.safeParse(Object.fromEntries(formData));
          if (!parsed.success) {
            setClientErrors(fieldErrors(parsed.error));
            return;
          }
          setClientErrors({});
          startTransition(() => run(formData));
        }}
      >
        <FormError message={formError} />
        <Input
          id="signin-email"
          name="email"
          type="email"
          label="Email"
          autoComplete="email"
          data-testid="signin-email"
          error={clientErrors.email}
          required
        />
        <Input
          id="signin-password"
          name="password"
          type="password"
          label="Password"
          autoComplete="current-password"
          data-testid="signin-password"
          error={clientErrors.password}
          required
        />
        <p className="text-right text-sm">
          <Link href="/forgot-password" className="text-sky-400 hover:underline" data-testid="forgot-password">
            Forgot password?
          </Link>
        </p>
        <Button type="submit" className="w-full" data-testid="signin-submit" pending={pending} disabled={!hydrated} pendingText="Signing in…">
          Sign in
        </Button>
      </form>
      {oauth.length ? (
        <div className="space-y-2">
          <p className="text-center text-xs uppercase tracking-wider text-slate-500">or</p>
          {oauth.map((p) => (
            <button
              key={p.id}
              type="button"
              className={buttonClass("secondary", "w-full")}
              data-testid={`oauth-${p.id}`}
              onClick={() => signIn(p.id, { callbackUrl })}
            >
              Continue with {p.name}
            </button>
          ))}
        </div>
      ) : null}
      <p className="text-center text-sm text-slate-400">
        No account yet?{" "}
        <Link className="text-sky-400 hover:underline" href={`/signup?callbackUrl=${encodeURIComponent(callbackUrl)}`}>
          Sign up
        </Link>
      </p>
    </div>
  );
}
