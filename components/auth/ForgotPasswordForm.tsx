"use client";
import Link from "next/link";
import { useActionState } from "react";
import type { FlowState } from "@/app/(auth)/actions";
import { Button } from "@/components/ui/Button";
import { Input } from "@/components/ui/Field";
import { FormError, FormNotice } from "@/components/ui/FormError";
import { useHydrated } from "@/components/ui/useHydrated";

export function ForgotPasswordForm({ action }: { action: (prev: FlowState, formData: FormData) => Promise<FlowState> }) {
  const [state, run, pending] = useActionState(action, { status: "idle" });
  const hydrated = useHydrated();
  return (
    <form action={run} noValidate className="space-y-4">
      {state.status === "ok" ? (
        <div data-testid="reset-sent">
          <FormNotice message={state.message} />
        </div>
      ) : null}
      {state.status === "error" && state.message ? <FormError message={state.message} /> : null}
      <Input
        id="reset-email"
        name="email"
        type="email"
        label="Email"
        autoComplete="email"
        data-testid="reset-email"
        error={state.fieldError}
        required
      />
      <Button type="submit" className="w-full" data-testid="reset-submit" pending={pending} disabled={!hydrated} pendingText="Sending…">
        Send me a link
      </Button>
      <p className="text-center text-sm text-slate-400">
        <Link className="text-sky-400 hover:underline" href="/signin">Back to sign in</Link>
      </p>
    </form>
  );
}
