"use client";
// Waiting to get in: in the lobby ("a host will let you in"), or for the host to arrive
// (the meeting's start in my own time zone). Entering then happens by itself.
import { useSyncExternalStore } from "react";
import type { RoomSession, RoomState } from "@/lib/client/room-session";
import { startTimeText } from "@/lib/client/lobby";
import { MediaVideo } from "./MediaVideo";
import { Avatar } from "./Tile";
import { Spinner } from "./icons";
import { secondaryButton } from "./styles";

const noopSubscribe = () => () => {};

export function WaitingScreen({ session, state, title }: { session: RoomSession; state: RoomState; title?: string }) {
  const waiting = state.moderation.waiting;
  const forHost = waiting?.reason === "host-absent";
  // the viewer's zone exists only in the browser; the server render shows no time
  const startText = useSyncExternalStore(
    noopSubscribe,
    () => (waiting ? startTimeText(waiting) : null),
    () => null,
  );
  const { local } = state;
  const reconnecting = state.connection.status === "reconnecting";

  return (
    <main className="mx-auto flex min-h-dvh max-w-xl flex-col items-center justify-center gap-6 p-6 text-center">
      <div className="relative aspect-video w-full max-w-md overflow-hidden rounded-2xl bg-slate-900 ring-1 ring-white/10">
        <MediaVideo stream={local.cameraStream} mirrored hidden={!local.cameraOn || !local.cameraStream} />
        {(!local.cameraOn || !local.cameraStream) && <Avatar name={state.displayName || "?"} />}
      </div>
      {forHost ? (
        <section data-testid="waiting-for-host" aria-live="polite" className="space-y-2">
          <h1 className="text-2xl font-semibold">Waiting for the host</h1>
          <p className="text-slate-300">
            {title ? <>“{title}” </> : "The meeting "}
            {startText ? (
              <>
                starts <time dateTime={waiting?.startsAt ?? undefined} data-testid="waiting-start-time">{startText}</time>.
              </>
            ) : (
              "has not started yet."
            )}
          </p>
          <p className="text-sm text-slate-400">You will join automatically when the host arrives.</p>
        </section>
      ) : (
        <section data-testid="lobby-waiting" aria-live="polite" className="space-y-2">
          <h1 className="text-2xl font-semibold">Asking to join…</h1>
          <p className="text-slate-300">{title ? <>“{title}”: a</> : "A"} host will let you in soon.</p>
        </section>
      )}
      <p className="flex items-center gap-2 text-sm text-slate-400" role="status">
        <Spinner className="size-3" /> {reconnecting ? "Reconnecting…" : "Waiting"}
      </p>
      <button type="button" data-testid="waiting-leave" onClick={() => void session.leave()} className={secondaryButton}>
        Leave
      </button>
    </main>
  );
}
