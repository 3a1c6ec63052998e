import type { Metadata } from "next";
import { notFound } from "next/navigation";
import RoomClient from "@/components/room/RoomClient";
import { roomIdSchema } from "@/lib/signaling/protocol";

type Props = {
  params: Promise<{ roomId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { roomId } = await params;
  return { title: `${roomId} · Meet` };
}

export default async function RoomPage({ params, searchParams }: Props) {
  const { roomId } = await params;
  if (!roomIdSchema.safeParse(roomId).success) notFound();
  const { invite } = await searchParams;
  return <RoomClient roomId={roomId} inviteToken={typeof invite === "string" ? invite : undefined} />;
}
