// The meeting form, shared by the browser (instant feedback) and server actions.
import { z } from "zod";
import { isValidTimeZone, parseWallTime } from "@/lib/time/zoned";
import { MAX_COUNT, WEEKDAYS, type RecurrenceChoice } from "@/lib/meetings/recurrence";

export const MAX_ATTENDEES = 100;

/** "a@x.org, b@y.org\nc@z.org" -> unique lower-case addresses (invalid ones reported). */
export function parseAttendeeList(raw: string): { emails: string[]; invalid: string[] } {
  const seen = new Set<string>();
  const invalid: string[] = [];
  for (const part of raw.split(/[\s,;]+/)) {
    const e = part.trim().replace(/^<|>$/g, "").toLowerCase();
    if (!e) continue;
    if (e.length > 254 || !z.email().safeParse(e).success) invalid.push(part.trim());
    else seen.add(e);
  }
  return { emails: [...seen], invalid };
}

const attendeesField = z
  .string()
  .max(20_000, "Too many addresses")
  .default("")
  .superRefine((v, ctx) => {
    const { emails, invalid } = parseAttendeeList(v);
    if (invalid.length) ctx.addIssue({ code: "custom", message: `Not an email address: ${invalid.slice(0, 3).join(", ")}` });
    if (emails.length > MAX_ATTENDEES) ctx.addIssue({ code: "custom", message: `At most ${MAX_ATTENDEES} attendees` });
  })
  .transform((v) => parseAttendeeList(v).emails);

const recurrenceFields = {
  repeat: z.enum(["none", "daily", "weekly", "monthly"], { error: "Choose how the meeting repeats" }).default("none"),
  repeatInterval: z.coerce.number().int().min(1, "Repeat at least every 1").max(30, "Repeat at most every 30").default(1),
  repeatDays: z.array(z.enum(WEEKDAYS)).default([]),
  repeatEnd: z.enum(["never", "until", "count"]).default("never"),
  repeatUntil: z.string().trim().default(""),
  repeatCount: z.preprocess((v) => (v === "" || v === null ? undefined : v), z.coerce.number().int().min(2, "At least 2 occurrences").max(MAX_COUNT, `At most ${MAX_COUNT} occurrences`).optional()),
};

export const MIN_DURATION = 5;
export const MAX_DURATION = 24 * 60;

/** An HTML checkbox: "on" when ticked, absent when not. */
const checkbox = z.preprocess((v) => v === true || v === "on" || v === "true" || v === "1", z.boolean());

const durationField = z.coerce
  .number({ error: "Enter a duration in minutes" })
  .int("Duration must be whole minutes")
  .min(MIN_DURATION, `Duration must be at least ${MIN_DURATION} minutes`)
  .max(MAX_DURATION, `Duration must be at most ${MAX_DURATION} minutes (24 hours)`);

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
  durationMinutes: durationField,
  requireSignIn: checkbox,
  /** Newcomers wait in the lobby until a host admits them. */
  waitingRoom: checkbox,
  /** Guests may enter before the host arrives. */
  joinBeforeHost: checkbox,
  attendees: attendeesField,
  ...recurrenceFields,
}).superRefine((v, ctx) => {
  if (v.repeat === "none") return;
  if (v.repeatEnd === "until") {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v.repeatUntil) || !parseWallTime(`${v.repeatUntil}T00:00`)) {
      ctx.addIssue({ code: "custom", path: ["repeatUntil"], message: "Choose the last day of the series" });
    } else if (v.repeatUntil < v.start.slice(0, 10)) {
      ctx.addIssue({ code: "custom", path: ["repeatUntil"], message: "The series cannot end before it starts" });
    }
  }
  if (v.repeatEnd === "count" && !v.repeatCount) ctx.addIssue({ code: "custom", path: ["repeatCount"], message: "How many times?" });
});

/** The recurrence part of validated form values. */
export function recurrenceChoiceOf(v: MeetingFormValues): RecurrenceChoice {
  return {
    repeat: v.repeat,
    interval: v.repeatInterval,
    weekdays: v.repeatDays,
    end: v.repeatEnd,
    until: v.repeatUntil || undefined,
    count: v.repeatCount,
  };
}

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
    attendees: formData.get("attendees") ?? "",
    repeat: formData.get("repeat") ?? "none",
    repeatInterval: formData.get("repeatInterval") || 1,
    repeatDays: formData.getAll("repeatDays"),
    repeatEnd: formData.get("repeatEnd") ?? "never",
    repeatUntil: formData.get("repeatUntil") ?? "",
    repeatCount: formData.get("repeatCount") ?? "",
  };
}

/** Moving one occurrence of a series: its own start (wall time in the series' zone) and duration. */
export const occurrenceFormSchema = z.object({
  start: z.string().trim().refine((v) => parseWallTime(v) !== null, "Enter a valid date and time"),
  timeZone: z.string().refine((v) => isValidTimeZone(v), "Choose a valid time zone"),
  durationMinutes: durationField,
});
