"use client";
// Client root of /room/[roomId]: picks the screen for the session's phase.
import { useRoom } from "@/lib/client/use-room";
import { DisconnectedScreen } from "./DisconnectedScreen";
import { EndedScreen, isEndedError } from "./EndedScreen";
import { LeftScreen } from "./LeftScreen";
import { PreJoin } from "./PreJoin";
import { RoomView } from "./RoomView";
import { WaitingScreen } from "./WaitingScreen";
import { Spinner } from "./icons";

type Props = {
  roomId: string;
  inviteToken?: string;
  /** The meeting's title, shown instead of the room id. */
  title?: string;
};

export default function RoomClient({ roomId, inviteToken, title }: Props) {
  const { session, state, rejoin } = useRoom(roomId, inviteToken);

  // Browser-only from here (media, WebSocket): the server renders just this placeholder.
  if (!session || !state) {
    return (
      <main className="flex min-h-dvh items-center justify-center text-slate-400">
        <Spinner className="mr-2" /> Loading…
      </main>
    );
  }
  switch (state.phase) {
    case "prejoin":
    case "joining":
      return <PreJoin session={session} state={state} title={title} />;
    case "waiting":
      return <WaitingScreen session={session} state={state} title={title} />;
    case "joined":
      return <RoomView session={session} state={state} title={title} />;
    case "left":
      return <LeftScreen onRejoin={rejoin} />;
    case "disconnected":
      if (isEndedError(state.error)) return <EndedScreen error={state.error} />;
      return <DisconnectedScreen error={state.error} onReconnect={rejoin} />;
  }
}
