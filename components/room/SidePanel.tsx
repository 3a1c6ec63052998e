"use client";
// Side panels of the room (chat, settings, diagnostics, participants…): they sit side by
// side to the right of the stage on wide screens and cover it on narrow ones. A panel takes
// the focus when it opens, gives it back when it closes, and closes on Escape.
import { useEffect, useId, useRef, type ReactNode, type RefObject } from "react";
import { CloseIcon } from "./icons";
import { focusRing } from "./styles";

/** The row the open panels live in, beside the stage. */
export function SidePanelArea({ children }: { children: ReactNode }) {
  return <div className="flex min-h-0 shrink-0">{children}</div>;
}

export interface SidePanelProps {
  /** Element id: the toggle button's aria-controls. */
  id: string;
  title: string;
  onClose: () => void;
  children: ReactNode;
  testId?: string;
  /** Focused on open (default: the panel's heading). */
  initialFocus?: RefObject<HTMLElement | null>;
  wide?: boolean;
  /** Extra controls in the header, left of the close button. */
  actions?: ReactNode;
}

export function SidePanel({ id, title, onClose, children, testId, initialFocus, wide, actions }: SidePanelProps) {
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    (initialFocus?.current ?? headingRef.current)?.focus();
    return () => {
      // back to where the person was (usually the toggle), unless they moved on meanwhile
      const active = document.activeElement;
      if (opener?.isConnected && (!active || active === document.body)) opener.focus();
    };
  }, []); // on open only

  return (
    <aside
      id={id}
      data-testid={testId}
      aria-labelledby={headingId}
      onKeyDown={(e) => {
        if (e.key === "Escape" && !e.defaultPrevented) {
          e.preventDefault();
          e.stopPropagation();
          onClose();
        }
      }}
      className={`flex min-h-0 w-full flex-col border-l border-white/10 bg-slate-950 max-lg:fixed max-lg:inset-x-0 max-lg:bottom-[4.5rem] max-lg:top-11 max-lg:z-30 ${
        wide ? "lg:w-[30rem]" : "lg:w-80"
      }`}
    >
      <header className="flex items-center gap-2 border-b border-white/10 px-4 py-2">
        <h2 id={headingId} ref={headingRef} tabIndex={-1} className="flex-1 text-base font-medium outline-none">
          {title}
        </h2>
        {actions}
        <button
          type="button"
          onClick={onClose}
          aria-label={`Close ${title.toLowerCase()}`}
          title="Close (Esc)"
          className={`rounded-md p-1.5 text-slate-300 hover:bg-slate-800 hover:text-white ${focusRing}`}
        >
          <CloseIcon />
        </button>
      </header>
      <div className="min-h-0 flex-1 overflow-y-auto">{children}</div>
    </aside>
  );
}

/** A controls-bar button that opens / closes a side panel (aria-expanded), with an optional badge. */
export function PanelToggle({
  testId,
  label,
  panelId,
  open,
  onClick,
  icon,
  shortcut,
  badge,
}: {
  testId: string;
  label: string;
  panelId: string;
  open: boolean;
  onClick: () => void;
  icon: ReactNode;
  shortcut?: string;
  /** e.g. unread messages; shown when > 0 (with its own test id). */
  badge?: { count: number; testId: string; label: string };
}) {
  const count = badge?.count ?? 0;
  return (
    <button
      type="button"
      data-testid={testId}
      aria-label={count > 0 ? `${label}, ${count} ${badge!.label}` : label}
      aria-expanded={open}
      aria-controls={panelId}
      title={shortcut ? `${label} (${shortcut})` : label}
      onClick={onClick}
      className={`relative flex size-11 items-center justify-center rounded-full text-white transition-colors ${
        open ? "bg-sky-600 hover:bg-sky-500" : "bg-slate-800 hover:bg-slate-700"
      } ${focusRing}`}
    >
      {icon}
      {count > 0 && (
        <span
          data-testid={badge!.testId}
          aria-hidden="true"
          className="absolute -right-1 -top-1 min-w-5 rounded-full bg-red-600 px-1 text-center text-xs font-semibold leading-5"
        >
          {count > 99 ? "99+" : count}
        </span>
      )}
    </button>
  );
}
