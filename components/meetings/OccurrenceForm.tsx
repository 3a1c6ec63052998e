"use client";
import Link from "next/link";
import { useActionState } from "react";
import type { MeetingFormState } from "@/app/meetings/actions";
import { Button, buttonClass } from "@/components/ui/Button";
import { Input } from "@/components/ui/Field";
import { FormError } from "@/components/ui/FormError";
import { useHydrated } from "@/components/ui/useHydrated";

/** Start and duration of one occurrence of a series (the rest of the series stays). */
export function OccurrenceForm({
  action,
  start,
  timeZone,
  durationMinutes,
  backHref,
}: {
  action: (prev: MeetingFormState, formData: FormData) => Promise<MeetingFormState>;
  start: string;
  timeZone: string;
  durationMinutes: number;
  backHref: string;
}) {
  const [state, run, pending] = useActionState(action, {});
  const hydrated = useHydrated();
  const errors = state.fieldErrors ?? {};
  return (
    <form action={run} noValidate className="space-y-5">
      <FormError message={state.formError} />
      <input type="hidden" name="timeZone" value={timeZone} />
      <Input
        id="occurrence-start"
        name="start"
        type="datetime-local"
        label="Starts at"
        hint={`Local time in ${timeZone}.`}
        data-testid="occurrence-start"
        defaultValue={start}
        error={errors.start}
        required
      />
      <Input
        id="occurrence-duration"
        name="durationMinutes"
        type="number"
        label="Duration (minutes)"
        data-testid="occurrence-duration"
        defaultValue={durationMinutes}
        error={errors.durationMinutes}
        className="max-w-40"
        required
      />
      <div className="flex items-center gap-3">
        <Button type="submit" data-testid="occurrence-submit" pending={pending} pendingText="Saving…" disabled={!hydrated}>
          Save this occurrence
        </Button>
        <Link href={backHref} className={buttonClass("ghost")}>Back</Link>
      </div>
    </form>
  );
}
