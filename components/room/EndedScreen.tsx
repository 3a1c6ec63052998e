// The call is over and must not come back by itself: removed by a host, the meeting ended
// for everyone (or cancelled), or a host declined the request to join.
import Link from "next/link";
import type { RoomError } from "@/lib/client/room-session";
import { secondaryButton } from "./styles";

const SCREENS = {
  removed: { testId: "removed-screen", title: "You were removed from the meeting" },
  "meeting-ended": { testId: "meeting-ended", title: "The meeting has ended" },
  denied: { testId: "lobby-denied", title: "You were not let in" },
} as const;

export function EndedScreen({ error }: { error: RoomError & { kind: keyof typeof SCREENS } }) {
  const screen = SCREENS[error.kind];
  return (
    <main className="flex min-h-dvh items-center justify-center p-6">
      <div
        role="alert"
        data-testid={screen.testId}
        className="max-w-md rounded-xl border border-white/10 bg-slate-900 p-6 text-center"
      >
        <h1 className="text-xl font-semibold">{screen.title}</h1>
        <p className="mt-2 text-slate-300">{error.message}</p>
        <div className="mt-4 flex justify-center">
          <Link href="/" className={secondaryButton}>
            Home
          </Link>
        </div>
      </div>
    </main>
  );
}

export function isEndedError(error: RoomError | null): error is RoomError & { kind: keyof typeof SCREENS } {
  return !!error && error.kind in SCREENS;
}
