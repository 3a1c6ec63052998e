"use client";
// Controls-bar buttons of the moderation features: raise hand, quick reactions, the
// participants list toggle, and — for hosts and co-hosts — "End for everyone" behind a
// confirmation dialog.
import { useEffect, useRef, useState } from "react";
import type { Reaction } from "@/lib/signaling/protocol";
import { REACTION_EMOJI } from "@/lib/client/moderation-state";
import { PeopleIcon } from "./icons";
import { HandIcon, SmileIcon } from "./moderation-icons";
import { focusRing, secondaryButton } from "./styles";
import { ToggleButton } from "./ToggleButton";

const round = `relative flex size-12 items-center justify-center rounded-full text-white transition-colors ${focusRing}`;

export function RaiseHandButton({ raised, onToggle }: { raised: boolean; onToggle: () => void }) {
  return (
    <ToggleButton
      testId="raise-hand"
      label="Raise hand"
      hint={raised ? "Lower your hand" : "Raise your hand"}
      pressed={raised}
      onClick={onToggle}
      icon={<HandIcon />}
    />
  );
}

export function ReactionsButton({ onReact }: { onReact: (r: Reaction) => void }) {
  const [open, setOpen] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    menuRef.current?.querySelector("button")?.focus();
    const close = (e: PointerEvent) => {
      if (!menuRef.current?.parentElement?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", close);
    return () => document.removeEventListener("pointerdown", close);
  }, [open]);
  return (
    <div className="relative">
      <button
        type="button"
        data-testid="reactions-open"
        aria-label="Send a reaction"
        aria-haspopup="menu"
        aria-expanded={open}
        title="Send a reaction"
        onClick={() => setOpen((o) => !o)}
        className={`${round} bg-slate-700 hover:bg-slate-600`}
      >
        <SmileIcon />
      </button>
      {open && (
        <div
          ref={menuRef}
          role="menu"
          aria-label="Reactions"
          onKeyDown={(e) => {
            if (e.key === "Escape") setOpen(false);
          }}
          className="absolute bottom-14 left-1/2 z-40 flex -translate-x-1/2 gap-1 rounded-full bg-slate-800 p-1.5 shadow-xl"
        >
          {(Object.keys(REACTION_EMOJI) as Reaction[]).map((r) => (
            <button
              key={r}
              type="button"
              role="menuitem"
              data-testid={`reaction-${r}`}
              aria-label={REACTION_EMOJI[r].label}
              title={REACTION_EMOJI[r].label}
              onClick={() => {
                onReact(r);
                setOpen(false);
              }}
              className={`size-10 rounded-full text-xl hover:bg-slate-700 ${focusRing}`}
            >
              <span aria-hidden="true">{REACTION_EMOJI[r].emoji}</span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

export function ParticipantsToggle({
  open,
  panelId,
  count,
  waiting,
  onToggle,
}: {
  open: boolean;
  panelId: string;
  count: number;
  /** Hosts: people in the lobby (shown as a badge). */
  waiting: number;
  onToggle: () => void;
}) {
  return (
    <button
      type="button"
      data-testid="participants-open"
      aria-expanded={open}
      aria-controls={panelId}
      aria-label={waiting > 0 ? `Participants (${count}), ${waiting} waiting to join` : `Participants (${count})`}
      title="Participants"
      onClick={onToggle}
      className={`${round} ${open ? "bg-sky-600 hover:bg-sky-500" : "bg-slate-700 hover:bg-slate-600"}`}
    >
      <PeopleIcon />
      {waiting > 0 && (
        <span aria-hidden="true" className="absolute -right-1 -top-1 min-w-5 rounded-full bg-amber-500 px-1 text-center text-xs font-semibold leading-5 text-slate-950">
          {waiting}
        </span>
      )}
    </button>
  );
}

export function EndMeetingButton({ onEnd }: { onEnd: () => void }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  return (
    <>
      <button
        type="button"
        data-testid="end-meeting"
        aria-haspopup="dialog"
        onClick={() => dialogRef.current?.showModal()}
        className={`flex h-12 items-center rounded-full border border-red-500 px-4 font-medium text-red-200 hover:bg-red-950 ${focusRing}`}
      >
        End for all
      </button>
      <dialog
        ref={dialogRef}
        aria-labelledby="end-meeting-title"
        aria-describedby="end-meeting-text"
        className="m-auto max-w-sm rounded-xl border border-white/10 bg-slate-900 p-6 text-slate-100 backdrop:bg-black/60"
      >
        <h2 id="end-meeting-title" className="text-lg font-semibold">
          End the meeting for everyone?
        </h2>
        <p id="end-meeting-text" className="mt-2 text-sm text-slate-300">
          Everyone leaves the call at once, and their join links stop working for this session.
        </p>
        <div className="mt-5 flex justify-end gap-3">
          <button type="button" autoFocus onClick={() => dialogRef.current?.close()} className={secondaryButton}>
            Cancel
          </button>
          <button
            type="button"
            data-testid="end-meeting-confirm"
            onClick={() => {
              dialogRef.current?.close();
              onEnd();
            }}
            className={`rounded-lg bg-red-600 px-4 py-2 font-medium hover:bg-red-500 ${focusRing}`}
          >
            End for everyone
          </button>
        </div>
      </dialog>
    </>
  );
}
