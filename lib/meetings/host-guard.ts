// The meeting of a host-only page: signed out -> sign-in (back to `returnTo`), unknown ->
// 404, someone else's -> 403 (null when the 403 interrupt is off: render MeetingForbidden).
import { notFound } from "next/navigation";
import { prisma, type Meeting } from "@/lib/db";
import { requireUser } from "@/lib/auth/session";
import { forbiddenIfSupported } from "@/lib/auth/forbidden";
import { getMeetingForHost } from "@/lib/meetings/service";

export async function hostMeetingOrDeny(id: string, returnTo: string): Promise<Meeting | null> {
  const user = await requireUser(returnTo);
  const found = await getMeetingForHost(prisma, id, user.id);
  if (!found.ok && found.reason === "not_found") notFound();
  if (!found.ok) {
    forbiddenIfSupported();
    return null;
  }
  return found.meeting;
}
