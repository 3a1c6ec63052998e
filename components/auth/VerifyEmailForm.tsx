"use client";
import { useActionState } from "react";
import type { FlowState } from "@/app/(auth)/actions";
import { Button } from "@/components/ui/Button";
import { FormError, FormNotice } from "@/components/ui/FormError";
import { useHydrated } from "@/components/ui/useHydrated";

/** One button that uses the link (a POST: mail scanners that open links don't consume it). */
export function VerifyEmailForm({ action }: { action: (prev: FlowState) => Promise<FlowState> }) {
  const [state, run, pending] = useActionState(action, { status: "idle" });
  const hydrated = useHydrated();
  if (state.status !== "idle") {
    return (
      <div data-testid="verify-result" data-status={state.status}>
        {state.status === "ok" ? <FormNotice message={state.message} /> : <FormError message={state.message} />}
      </div>
    );
  }
  return (
    <form action={run} className="space-y-4">
      <p className="text-slate-300">Confirm that this address is yours.</p>
      <Button type="submit" data-testid="verify-submit" pending={pending} disabled={!hydrated} pendingText="Confirming…">
        Confirm my address
      </Button>
    </form>
  );
}
