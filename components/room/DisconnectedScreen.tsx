import Link from "next/link";
import type { RoomError } from "@/lib/client/room-session";

import { primaryButton, secondaryButton } from "./styles";

/**
 * The call ended without the user leaving: reconnecting gave up (about two minutes), access
 * was revoked, or the same person joined from another window. "Rejoin" comes back as the
 * same participant (the tab keeps its rejoin ticket).
 */
export function DisconnectedScreen({ error, onReconnect }: { error: RoomError | null; onReconnect: () => void }) {
  const replaced = error?.kind === "replaced";
  return (
    <main className="flex min-h-dvh items-center justify-center p-6">
      <div
        role="alert"
        data-testid="room-error"
        data-error-kind={error?.kind ?? "disconnected"}
        className="max-w-md rounded-xl border border-red-500/40 bg-red-500/10 p-6 text-center"
      >
        <h1 className="text-xl font-semibold">{replaced ? "You joined from somewhere else" : "Disconnected"}</h1>
        <p className="mt-2 text-slate-300">{error?.message ?? "The connection to the meeting was lost."}</p>
        <div className="mt-4 flex justify-center gap-3">
          <button
            type="button"
            data-testid="room-reconnect"
            onClick={onReconnect}
            className={primaryButton}
          >
            {replaced ? "Rejoin here" : "Rejoin"}
          </button>
          <Link href="/" className={secondaryButton}>
            Home
          </Link>
        </div>
      </div>
    </main>
  );
}
