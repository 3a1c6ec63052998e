// Invite link: /j/<inviteToken> -> the room's pre-join screen for that meeting.
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import RoomClient from "@/components/room/RoomClient";
import { prisma } from "@/lib/db";
import { getCurrentUser } from "@/lib/auth/session";
import { findMeetingByInviteToken } from "@/lib/meetings/service";
import { looksLikeInviteToken } from "@/lib/meetings/invite";
import { MessagePage } from "@/components/ui/Card";
import { LocalTime } from "@/components/ui/LocalTime";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ token: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { token } = await params;
  const meeting = looksLikeInviteToken(token) ? await findMeetingByInviteToken(prisma, token) : null;
  return { title: meeting && meeting.status === "scheduled" ? `${meeting.title} · Meet` : "Invite · Meet", robots: { index: false } };
}

export default async function InvitePage({ params }: Props) {
  const { token } = await params;
  const meeting = looksLikeInviteToken(token) ? await findMeetingByInviteToken(prisma, token) : null;

  if (!meeting) {
    return (
      <MessagePage status="404 · Invite not found" title="This invite link is no longer valid" testId="invite-invalid">
        <p>The link may have been mistyped, or the host replaced it with a new one. Ask the host for the current link.</p>
        <Link href="/" className="text-sky-400 hover:underline">Go to the home page</Link>
      </MessagePage>
    );
  }

  if (meeting.status === "cancelled") {
    return (
      <MessagePage status="410 · Gone" title="This meeting was cancelled" testId="invite-cancelled">
        <p>
          “{meeting.title}”, planned for <LocalTime iso={meeting.startsAt.toISOString()} style="datetime-long" />, was
          cancelled by the host.
        </p>
        <Link href="/" className="text-sky-400 hover:underline">Go to the home page</Link>
      </MessagePage>
    );
  }

  if (meeting.requireSignIn && !(await getCurrentUser())) {
    redirect(`/signin?callbackUrl=${encodeURIComponent(`/j/${token}`)}`);
  }

  return <RoomClient roomId={meeting.id} inviteToken={token} title={meeting.title} />;
}
