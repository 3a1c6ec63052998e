"use client";
// "You are muted": shown while the muted microphone picks up someone talking.
import { MicOffIcon } from "./icons";

export function MutedHint({ onUnmute }: { onUnmute: () => void }) {
  return (
    <div role="status" data-testid="muted-hint" className="mx-auto mb-1 flex items-center gap-3 rounded-lg bg-slate-800 px-4 py-2 text-sm text-slate-100 shadow">
      <MicOffIcon className="text-red-400" />
      <span>You are muted. Press M to talk.</span>
      <button type="button" onClick={onUnmute} className="rounded px-2 font-medium text-sky-300 underline focus-visible:outline-2 focus-visible:outline-sky-400">
        Unmute
      </button>
    </div>
  );
}
