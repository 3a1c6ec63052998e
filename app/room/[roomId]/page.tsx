import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import RoomClient from "@/components/room/RoomClient";
import { prisma } from "@/lib/db";
import { roomIdSchema } from "@/lib/signaling/protocol";

type Props = {
  params: Promise<{ roomId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export const dynamic = "force-dynamic";

/** The room id is a meeting id; unknown ids still render (the join-token route says why). */
const meetingTitle = cache(async (roomId: string): Promise<string | undefined> => {
  if (!roomIdSchema.safeParse(roomId).success) return undefined;
  const meeting = await prisma.meeting.findUnique({ where: { id: roomId }, select: { title: true } });
  return meeting?.title;
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { roomId } = await params;
  return { title: `${(await meetingTitle(roomId)) ?? roomId} · Meet` };
}

export default async function RoomPage({ params, searchParams }: Props) {
  const { roomId } = await params;
  if (!roomIdSchema.safeParse(roomId).success) notFound();
  const { invite } = await searchParams;
  return (
    <RoomClient
      roomId={roomId}
      inviteToken={typeof invite === "string" ? invite : undefined}
      title={await meetingTitle(roomId)}
    />
  );
}
