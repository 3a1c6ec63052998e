"use client";
// Grid ⇄ speaker layout. aria-pressed = the speaker layout is on.
import { focusRing } from "./styles";

export function LayoutToggle({ speaker, onChange }: { speaker: boolean; onChange: (speaker: boolean) => void }) {
  return (
    <button
      type="button"
      data-testid="layout-toggle"
      aria-pressed={speaker}
      title={speaker ? "Show everyone in a grid" : "Show the active speaker large"}
      onClick={() => onChange(!speaker)}
      className={`inline-flex items-center gap-1.5 rounded-full px-3 py-1 text-sm ${
        speaker ? "bg-sky-700 text-white" : "bg-slate-800 hover:bg-slate-700"
      } ${focusRing}`}
    >
      <svg aria-hidden="true" viewBox="0 0 20 20" className="size-4" fill="currentColor">
        {speaker ? (
          <path d="M2 3h16v10H2zM2 14.5h4.5V18H2zm5.75 0h4.5V18h-4.5zm5.75 0H18V18h-4.5z" />
        ) : (
          <path d="M2 2h7v7H2zm9 0h7v7h-7zM2 11h7v7H2zm9 0h7v7h-7z" />
        )}
      </svg>
      <span>Speaker layout</span>
    </button>
  );
}
