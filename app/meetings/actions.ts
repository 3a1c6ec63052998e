"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { prisma } from "@/lib/db";
import { announceMeetingEnded } from "@/lib/cluster/revocation";
import { getCurrentUser } from "@/lib/auth/session";
import { fieldErrors } from "@/lib/auth/schemas";
import { meetingFormDataToObject, meetingFormSchema, occurrenceFormSchema } from "@/lib/meetings/schema";
import { editOccurrence } from "@/lib/meetings/occurrence-edits";
import { zonedWallTimeToUtc } from "@/lib/time/zoned";
import {
  cancelMeeting,
  createMeeting,
  getMeetingForHost,
  meetingDataFromForm,
  regenerateInviteToken,
  updateMeeting,
} from "@/lib/meetings/service";
import { inviteChangedAttendees, sendInvitations, setAttendees } from "@/lib/meetings/invitations";
import { requestOrigin } from "@/lib/meetings/origin";

export type MeetingFormState = {
  fieldErrors?: Record<string, string>;
  formError?: string;
};

const SIGNED_OUT: MeetingFormState = { formError: "Your session has expired. Please sign in again." };

export async function createMeetingAction(_prev: MeetingFormState, formData: FormData): Promise<MeetingFormState> {
  const user = await getCurrentUser();
  if (!user) return SIGNED_OUT;
  const parsed = meetingFormSchema.safeParse(meetingFormDataToObject(formData));
  if (!parsed.success) return { fieldErrors: fieldErrors(parsed.error), formError: "Please fix the highlighted fields." };
  const data = meetingDataFromForm(parsed.data);
  if (!data.ok) return { fieldErrors: { [data.field]: data.error }, formError: data.error };
  const meeting = await createMeeting(prisma, user.id, data.data);
  const attendees = await setAttendees(prisma, meeting.id, parsed.data.attendees);
  await inviteChangedAttendees(prisma, meeting.id, attendees, await requestOrigin());
  revalidatePath("/");
  redirect(`/meetings/${meeting.id}`);
}

export async function updateMeetingAction(id: string, _prev: MeetingFormState, formData: FormData): Promise<MeetingFormState> {
  const user = await getCurrentUser();
  if (!user) return SIGNED_OUT;
  const found = await getMeetingForHost(prisma, id, user.id);
  if (!found.ok) return { formError: found.reason === "forbidden" ? "Only the host can edit this meeting." : "This meeting no longer exists." };
  if (found.meeting.status === "cancelled") return { formError: "A cancelled meeting cannot be edited." };
  const parsed = meetingFormSchema.safeParse(meetingFormDataToObject(formData));
  if (!parsed.success) return { fieldErrors: fieldErrors(parsed.error), formError: "Please fix the highlighted fields." };
  const data = meetingDataFromForm(parsed.data, { previousStartsAt: found.meeting.startsAt });
  if (!data.ok) return { fieldErrors: { [data.field]: data.error }, formError: data.error };
  const saved = await updateMeeting(prisma, user.id, id, data.data);
  if (!saved) return { formError: "This meeting no longer exists." };
  const origin = await requestOrigin();
  const attendees = await setAttendees(prisma, id, parsed.data.attendees);
  // Everyone already invited gets the update (raised SEQUENCE); new people their invitation.
  if (saved.changed) {
    const kept = parsed.data.attendees.filter((e) => !attendees.added.includes(e));
    if (kept.length) await sendInvitations(prisma, id, "update", origin, { to: kept });
  }
  await inviteChangedAttendees(prisma, id, attendees, origin);
  revalidatePath("/");
  revalidatePath(`/meetings/${id}`);
  redirect(`/meetings/${id}`);
}

export type MeetingActionResult = { ok: boolean; error?: string };

export async function cancelMeetingAction(id: string): Promise<MeetingActionResult> {
  const user = await getCurrentUser();
  if (!user) return { ok: false, error: SIGNED_OUT.formError };
  const ok = await cancelMeeting(prisma, user.id, id);
  if (ok) await sendInvitations(prisma, id, "cancel", await requestOrigin());
  if (ok) await announceMeetingEnded(id, "cancelled"); // its live room ends, on whichever node
  revalidatePath("/");
  revalidatePath(`/meetings/${id}`);
  return ok ? { ok } : { ok, error: "Only the host can cancel this meeting." };
}

export async function regenerateInviteAction(id: string): Promise<MeetingActionResult> {
  const user = await getCurrentUser();
  if (!user) return { ok: false, error: SIGNED_OUT.formError };
  const token = await regenerateInviteToken(prisma, user.id, id);
  revalidatePath(`/meetings/${id}`);
  return token ? { ok: true } : { ok: false, error: "Only the host can change the invite link." };
}

/** Moves / re-times one occurrence of a series (its own start and duration). */
export async function updateOccurrenceAction(
  id: string,
  originalMs: number,
  _prev: MeetingFormState,
  formData: FormData,
): Promise<MeetingFormState> {
  const user = await getCurrentUser();
  if (!user) return SIGNED_OUT;
  const parsed = occurrenceFormSchema.safeParse({
    start: formData.get("start") ?? "",
    timeZone: formData.get("timeZone") ?? "",
    durationMinutes: formData.get("durationMinutes") ?? "",
  });
  if (!parsed.success) return { fieldErrors: fieldErrors(parsed.error), formError: "Please fix the highlighted fields." };
  let startsAt: Date;
  try {
    startsAt = zonedWallTimeToUtc(parsed.data.start, parsed.data.timeZone);
  } catch {
    return { fieldErrors: { start: "Enter a valid date and time" } };
  }
  const r = await editOccurrence(prisma, user.id, id, new Date(originalMs), { startsAt, durationMinutes: parsed.data.durationMinutes });
  if (!r.ok) return { formError: r.error };
  await sendInvitations(prisma, id, "update", await requestOrigin());
  revalidatePath(`/meetings/${id}`);
  redirect(`/meetings/${id}`);
}

export async function cancelOccurrenceAction(id: string, originalMs: number): Promise<MeetingActionResult> {
  const user = await getCurrentUser();
  if (!user) return { ok: false, error: SIGNED_OUT.formError };
  const r = await editOccurrence(prisma, user.id, id, new Date(originalMs), { cancelled: true });
  if (!r.ok) return { ok: false, error: r.error };
  await sendInvitations(prisma, id, "update", await requestOrigin());
  revalidatePath(`/meetings/${id}`);
  revalidatePath("/");
  return { ok: true };
}
