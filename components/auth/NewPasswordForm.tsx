"use client";
import Link from "next/link";
import { useActionState } from "react";
import type { FlowState } from "@/app/(auth)/actions";
import { Button } from "@/components/ui/Button";
import { Input } from "@/components/ui/Field";
import { FormError, FormNotice } from "@/components/ui/FormError";
import { useHydrated } from "@/components/ui/useHydrated";

export function NewPasswordForm({ action }: { action: (prev: FlowState, formData: FormData) => Promise<FlowState> }) {
  const [state, run, pending] = useActionState(action, { status: "idle" });
  const hydrated = useHydrated();
  if (state.status === "ok") {
    return (
      <div className="space-y-4" data-testid="reset-done">
        <FormNotice message={state.message} />
        <Link href="/signin" className="text-sky-400 hover:underline" data-testid="reset-signin">Sign in</Link>
      </div>
    );
  }
  return (
    <form action={run} noValidate className="space-y-4">
      {state.message ? <FormError message={state.message} /> : null}
      <Input
        id="new-password"
        name="password"
        type="password"
        label="New password"
        autoComplete="new-password"
        hint="At least 8 characters."
        data-testid="new-password"
        error={state.fieldError}
        required
        minLength={8}
      />
      <Button type="submit" className="w-full" data-testid="new-password-submit" pending={pending} disabled={!hydrated} pendingText="Saving…">
        Set the new password
      </Button>
    </form>
  );
}
