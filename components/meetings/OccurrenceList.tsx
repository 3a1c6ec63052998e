"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { MeetingActionResult } from "@/app/meetings/actions";
import { Button, buttonClass } from "@/components/ui/Button";
import { FormError } from "@/components/ui/FormError";
import { LocalTime } from "@/components/ui/LocalTime";
import { useHydrated } from "@/components/ui/useHydrated";

export interface OccurrenceView {
  originalMs: number;
  startsAt: string;
  durationMinutes: number;
  changed: boolean;
}

/** The next occurrences of a series, each editable or cancellable on its own. */
export function OccurrenceList({
  meetingId,
  occurrences,
  cancel,
}: {
  meetingId: string;
  occurrences: OccurrenceView[];
  cancel: (originalMs: number) => Promise<MeetingActionResult>;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const [pending, startTransition] = useTransition();
  const hydrated = useHydrated();
  if (occurrences.length === 0) return <p className="text-sm text-slate-400">No more occurrences.</p>;
  return (
    <div className="space-y-2">
      <FormError message={error} />
      <ul className="divide-y divide-slate-800 rounded-md border border-slate-800 text-sm" data-testid="occurrence-list">
        {occurrences.map((o) => (
          <li key={o.originalMs} className="flex flex-wrap items-center gap-3 px-3 py-2" data-testid="occurrence-row" data-starts-at={o.startsAt}>
            <span>
              <LocalTime iso={o.startsAt} style="datetime-long" /> · {o.durationMinutes} min
              {o.changed ? <span className="ml-2 rounded-full bg-amber-900/60 px-2 py-0.5 text-xs text-amber-200">changed</span> : null}
            </span>
            <span className="ml-auto flex gap-2">
              <Link href={`/meetings/${meetingId}/occurrences/${o.originalMs}`} className={buttonClass("ghost", "px-2 py-1")} data-testid="occurrence-edit">
                Edit this one
              </Link>
              <Button
                variant="ghost"
                className="px-2 py-1"
                data-testid="occurrence-cancel"
                disabled={pending || !hydrated}
                pending={pending && busy === o.originalMs}
                onClick={() => {
                  setBusy(o.originalMs);
                  setError(null);
                  startTransition(async () => {
                    const r = await cancel(o.originalMs);
                    if (!r.ok) setError(r.error ?? "Could not cancel it.");
                    router.refresh();
                  });
                }}
              >
                Cancel this one
              </Button>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
