// The meeting form, shared by the browser (instant feedback) and server actions.
import { z } from "zod";
import { isValidTimeZone, parseWallTime } from "@/lib/time/zoned";

export const MIN_DURATION = 5;
export const MAX_DURATION = 24 * 60;

/** An HTML checkbox: "on" when ticked, absent when not. */
const checkbox = z.preprocess((v) => v === true || v === "on" || v === "true" || v === "1", z.boolean());

export const meetingFormSchema = z.object({
  title: z.string().trim().min(1, "Enter a title").max(200, "Title must be at most 200 characters"),
  description: z.string().trim().max(5000, "Description must be at most 5000 characters").default(""),
  /** Wall time in `timeZone`, as <input type="datetime-local"> sends it. */
  start: z
    .string()
    .trim()
    .min(1, "Choose a date and time")
    .refine((v) => parseWallTime(v) !== null, "Enter a valid date and time"),
  timeZone: z.string().refine((v) => isValidTimeZone(v), "Choose a valid time zone"),
  durationMinutes: z.coerce
    .number({ error: "Enter a duration in minutes" })
    .int("Duration must be whole minutes")
    .min(MIN_DURATION, `Duration must be at least ${MIN_DURATION} minutes`)
    .max(MAX_DURATION, `Duration must be at most ${MAX_DURATION} minutes (24 hours)`),
  requireSignIn: checkbox,
  /** Newcomers wait in the lobby until a host admits them. */
  waitingRoom: checkbox,
  /** Guests may enter before the host arrives. */
  joinBeforeHost: checkbox,
});

export type MeetingFormInput = z.input<typeof meetingFormSchema>;
export type MeetingFormValues = z.output<typeof meetingFormSchema>;

/** FormData -> plain object for meetingFormSchema (unchecked checkboxes are absent). */
export function meetingFormDataToObject(formData: FormData): Record<string, unknown> {
  return {
    title: formData.get("title") ?? "",
    description: formData.get("description") ?? "",
    start: formData.get("start") ?? "",
    timeZone: formData.get("timeZone") ?? "",
    durationMinutes: formData.get("durationMinutes") ?? "",
    requireSignIn: formData.get("requireSignIn") ?? false,
    waitingRoom: formData.get("waitingRoom") ?? false,
    joinBeforeHost: formData.get("joinBeforeHost") ?? false,
  };
}
