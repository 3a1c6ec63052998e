"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { prisma } from "@/lib/db";
import { getCurrentUser } from "@/lib/auth/session";
import { fieldErrors } from "@/lib/auth/schemas";
import { endLiveMeeting } from "@/lib/rooms/live-rooms";
import { meetingFormDataToObject, meetingFormSchema } from "@/lib/meetings/schema";
import {
  cancelMeeting,
  createMeeting,
  getMeetingForHost,
  meetingDataFromForm,
  regenerateInviteToken,
  updateMeeting,
} from "@/lib/meetings/service";

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
  await updateMeeting(prisma, user.id, id, data.data);
  revalidatePath("/");
  revalidatePath(`/meetings/${id}`);
  redirect(`/meetings/${id}`);
}

export type MeetingActionResult = { ok: boolean; error?: string };

export async function cancelMeetingAction(id: string): Promise<MeetingActionResult> {
  const user = await getCurrentUser();
  if (!user) return { ok: false, error: SIGNED_OUT.formError };
  const ok = await cancelMeeting(prisma, user.id, id);
  // People in the room now are sent out at once (their tokens are already revoked).
  if (ok) await endLiveMeeting(id, "the host cancelled this meeting");
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
