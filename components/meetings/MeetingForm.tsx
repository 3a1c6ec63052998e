"use client";
import Link from "next/link";
import { startTransition, useActionState, useMemo, useState, useSyncExternalStore } from "react";
import type { MeetingFormState } from "@/app/meetings/actions";
import { fieldErrors } from "@/lib/auth/schemas";
import { MAX_DURATION, MIN_DURATION, meetingFormDataToObject, meetingFormSchema } from "@/lib/meetings/schema";
import { Button, buttonClass } from "@/components/ui/Button";
import { Checkbox, Input, Select, Textarea } from "@/components/ui/Field";
import { FormError } from "@/components/ui/FormError";
import { formatInZone, useBrowserTimeZone } from "@/components/ui/LocalTime";
import { useHydrated } from "@/components/ui/useHydrated";
import { zonedWallTimeToUtc } from "@/lib/time/zoned";
import type { RecurrenceChoice } from "@/lib/meetings/recurrence";
import { RecurrenceFields } from "@/components/meetings/RecurrenceFields";

export interface MeetingFormDefaults {
  title: string;
  description: string;
  /** "YYYY-MM-DDTHH:mm" in `timeZone` ("" for a new meeting). */
  start: string;
  /** null: use the browser's zone. */
  timeZone: string | null;
  durationMinutes: number;
  requireSignIn: boolean;
  waitingRoom: boolean;
  joinBeforeHost: boolean;
  /** One address per line. */
  attendees: string;
  recurrence: RecurrenceChoice;
}

const noopSubscribe = () => () => {};
let zoneList: string[] | null = null;
function supportedZones(): string[] {
  if (!zoneList) {
    try {
      zoneList = (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf("timeZone");
    } catch {
      zoneList = ["UTC"];
    }
    if (!zoneList.includes("UTC")) zoneList = ["UTC", ...zoneList];
  }
  return zoneList;
}

export function MeetingForm({
  action,
  defaults,
  submitLabel,
  cancelHref,
}: {
  action: (prev: MeetingFormState, formData: FormData) => Promise<MeetingFormState>;
  defaults: MeetingFormDefaults;
  submitLabel: string;
  cancelHref: string;
}) {
  const [state, run, pending] = useActionState(action, {});
  const hydrated = useHydrated();
  const [clientErrors, setClientErrors] = useState<Record<string, string> | null>(null);
  const browserZone = useBrowserTimeZone();
  // The full list only after hydration: the server's ICU list may differ from the browser's.
  const zones = useSyncExternalStore(noopSubscribe, supportedZones, () => null);
  const [chosenZone, setChosenZone] = useState<string | null>(defaults.timeZone);
  const [start, setStart] = useState(defaults.start);
  const timeZone = chosenZone ?? browserZone ?? "UTC";
  const zoneOptions = useMemo(() => {
    const list = zones ?? [];
    return list.includes(timeZone) ? list : [timeZone, ...list];
  }, [zones, timeZone]);

  // "= Tue 14:00 your time" when the meeting zone differs from the viewer's.
  let preview: string | null = null;
  if (start && browserZone && browserZone !== timeZone) {
    try {
      preview = `${formatInZone(zonedWallTimeToUtc(start, timeZone).toISOString(), "datetime-long", browserZone)} in your time zone`;
    } catch {
      preview = null;
    }
  }

  const errors = clientErrors ?? state.fieldErrors ?? {};
  const formError = clientErrors ? "Please fix the highlighted fields." : state.formError;

  return (
    <form
      noValidate
      method="post"
      className="space-y-5"
      onSubmit={(e) => {
        e.preventDefault();
        const formData = new FormData(e.currentTarget);
        const parsed = meetingFormSchema.safeParse(meetingFormDataToObject(formData));
        if (!parsed.success) {
          setClientErrors(fieldErrors(parsed.error));
          return;
        }
        setClientErrors(null);
        startTransition(() => run(formData));
      }}
    >
      <FormError message={formError} />
      <Input
        id="meeting-title"
        name="title"
        label="Title"
        data-testid="meeting-title"
        defaultValue={defaults.title}
        maxLength={200}
        required
        error={errors.title}
      />
      <Textarea
        id="meeting-description"
        name="description"
        label="Description (optional)"
        data-testid="meeting-description"
        defaultValue={defaults.description}
        rows={3}
        maxLength={5000}
        error={errors.description}
      />
      <div className="grid gap-5 sm:grid-cols-2">
        <Input
          id="meeting-start"
          name="start"
          type="datetime-local"
          label="Starts at"
          data-testid="meeting-start"
          defaultValue={defaults.start}
          onChange={(e) => setStart(e.target.value)}
          required
          error={errors.start}
          hint={preview ?? `Local time in ${timeZone}.`}
        />
        <Select
          id="meeting-timezone"
          name="timeZone"
          label="Time zone"
          data-testid="meeting-timezone"
          value={timeZone}
          onChange={(e) => setChosenZone(e.target.value)}
          error={errors.timeZone}
        >
          {zoneOptions.map((z) => (
            <option key={z} value={z}>
              {z.replaceAll("_", " ")}
            </option>
          ))}
        </Select>
      </div>
      <Input
        id="meeting-duration"
        name="durationMinutes"
        type="number"
        inputMode="numeric"
        label="Duration (minutes)"
        data-testid="meeting-duration"
        defaultValue={defaults.durationMinutes}
        min={MIN_DURATION}
        max={MAX_DURATION}
        required
        error={errors.durationMinutes}
        className="max-w-40"
      />
      <RecurrenceFields defaults={defaults.recurrence} errors={errors} />
      <Textarea
        id="meeting-attendees"
        name="attendees"
        label="Invite by email (optional)"
        hint="One address per line (or separated by commas). Each gets the invite link and a calendar invitation; changes and cancellations follow."
        data-testid="meeting-attendees"
        defaultValue={defaults.attendees}
        rows={3}
        error={errors.attendees}
      />
      <Checkbox
        id="meeting-require-signin"
        name="requireSignIn"
        label="Require sign-in"
        hint="When off, people with the invite link can join as guests with just a name."
        data-testid="meeting-require-signin"
        defaultChecked={defaults.requireSignIn}
      />
      <Checkbox
        id="meeting-waiting-room"
        name="waitingRoom"
        label="Waiting room"
        hint="People wait until you or a co-host let them in."
        data-testid="meeting-waiting-room"
        defaultChecked={defaults.waitingRoom}
      />
      <Checkbox
        id="meeting-join-before-host"
        name="joinBeforeHost"
        label="Guests may join before the host"
        hint="When off, guests see the start time and enter when you arrive."
        data-testid="meeting-join-before-host"
        defaultChecked={defaults.joinBeforeHost}
      />
      <div className="flex items-center gap-3 pt-2">
        <Button type="submit" data-testid="meeting-submit" pending={pending} pendingText="Saving…" disabled={!hydrated}>
          {submitLabel}
        </Button>
        <Link href={cancelHref} className={buttonClass("ghost")}>
          Back
        </Link>
      </div>
    </form>
  );
}
