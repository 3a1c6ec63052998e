"use client";
import { useActionState } from "react";
import { resendVerificationAction, type FlowState } from "@/app/(auth)/actions";
import { useHydrated } from "@/components/ui/useHydrated";

/** Banner for signed-in people whose address is not confirmed yet, with "send again". */
export function VerifyEmailNotice({ email }: { email: string }) {
  const [state, run, pending] = useActionState<FlowState>(resendVerificationAction, { status: "idle" });
  const hydrated = useHydrated();
  return (
    <div role="status" data-testid="signup-verify-notice" className="border-b border-amber-800 bg-amber-950/60 px-6 py-2 text-center text-sm text-amber-100">
      We sent a link to <strong>{email}</strong>: open it to confirm your address.{" "}
      <form action={run} className="inline">
        <button type="submit" className="underline hover:text-white disabled:opacity-60" disabled={pending || !hydrated} data-testid="resend-verification">
          {pending ? "Sending…" : "Send the link again"}
        </button>
      </form>
      {state.message ? <span className="ml-2" aria-live="polite">{state.message}</span> : null}
    </div>
  );
}
