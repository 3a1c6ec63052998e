"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { MeetingActionResult } from "@/app/meetings/actions";
import { Button } from "@/components/ui/Button";
import { FormError } from "@/components/ui/FormError";
import { useHydrated } from "@/components/ui/useHydrated";

export function MeetingActions({
  cancelled,
  regenerate,
  cancel,
}: {
  cancelled: boolean;
  regenerate: () => Promise<MeetingActionResult>;
  cancel: () => Promise<MeetingActionResult>;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [which, setWhich] = useState<"regen" | "cancel" | null>(null);
  const [pending, startTransition] = useTransition();
  const hydrated = useHydrated();

  function run(kind: "regen" | "cancel", fn: () => Promise<MeetingActionResult>) {
    setWhich(kind);
    setError(null);
    startTransition(async () => {
      const res = await fn();
      if (!res.ok) setError(res.error ?? "Something went wrong.");
      router.refresh();
    });
  }

  if (cancelled) return null;
  return (
    <div className="space-y-3">
      <FormError message={error} />
      <div className="flex flex-wrap gap-3">
        <Button
          variant="secondary"
          data-testid="regenerate-invite"
          pending={pending && which === "regen"}
          disabled={pending || !hydrated}
          onClick={() => run("regen", regenerate)}
        >
          Regenerate link
        </Button>
        <Button
          variant="danger"
          data-testid="cancel-meeting"
          pending={pending && which === "cancel"}
          disabled={pending || !hydrated}
          onClick={() => run("cancel", cancel)}
        >
          Cancel meeting
        </Button>
      </div>
      <p className="text-xs text-slate-400">Regenerating the link stops the old link from working.</p>
    </div>
  );
}
