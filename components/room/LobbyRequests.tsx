"use client";
// For hosts and co-hosts: who asks to join, in arrival order, with admit / deny (and admit
// all). Shown over the stage whenever someone waits, like Meet's "Someone wants to join" —
// or at the top of the participants panel while that is open.
import type { LobbyRequest } from "@/lib/signaling/protocol";
import type { ModerationClient } from "@/lib/client/moderation";
import { focusRing } from "./styles";

const btn = `rounded-md px-2.5 py-1 text-sm font-medium ${focusRing}`;

export function LobbyRequests({
  requests,
  moderation,
  inline,
}: {
  requests: LobbyRequest[];
  moderation: ModerationClient;
  /** In the participants panel instead of floating over the stage. */
  inline?: boolean;
}) {
  if (requests.length === 0) return null;
  const title = requests.length === 1 ? "1 person wants to join" : `${requests.length} people want to join`;
  return (
    <section
      data-testid="lobby-requests"
      aria-label="Waiting to join"
      className={
        inline
          ? "border-b border-white/10 bg-slate-900 px-4 py-3"
          : "absolute right-3 top-14 z-40 w-80 max-w-[calc(100%-1.5rem)] rounded-xl border border-white/10 bg-slate-900/95 p-3 shadow-xl"
      }
    >
      <h2 className="text-sm font-semibold" aria-live="polite">
        {title}
      </h2>
      <ul className="mt-2 max-h-64 space-y-2 overflow-y-auto">
        {requests.map((r) => (
          <li key={r.peerId} data-testid="lobby-request" data-peer-name={r.displayName} className="flex items-center gap-2">
            <span className="min-w-0 flex-1 truncate">
              {r.displayName}
              {r.removedEarlier && <span className="ml-1 text-xs text-amber-300">(removed earlier)</span>}
            </span>
            <button
              type="button"
              data-testid="lobby-admit"
              aria-label={`Admit ${r.displayName}`}
              onClick={() => void moderation.admit(r.peerId)}
              className={`${btn} bg-sky-600 hover:bg-sky-500`}
            >
              Admit
            </button>
            <button
              type="button"
              data-testid="lobby-deny"
              aria-label={`Deny ${r.displayName}`}
              onClick={() => void moderation.deny(r.peerId)}
              className={`${btn} bg-slate-700 hover:bg-slate-600`}
            >
              Deny
            </button>
          </li>
        ))}
      </ul>
      {requests.length > 1 && (
        <button
          type="button"
          data-testid="lobby-admit-all"
          onClick={() => void moderation.admitAll()}
          className={`${btn} mt-3 w-full bg-sky-700 hover:bg-sky-600`}
        >
          Admit all
        </button>
      )}
    </section>
  );
}
