"use client";
// The keyboard shortcuts dialog ("?"): modal, focus kept inside, Escape or the button closes
// it and the focus goes back to where it was.
import { useEffect, useId, useRef } from "react";
import { SHORTCUTS } from "./useShortcuts";
import { CloseIcon } from "./icons";
import { focusRing } from "./styles";

export function ShortcutsHelp({ onClose, unavailable = [] }: { onClose: () => void; unavailable?: string[] }) {
  const titleId = useId();
  const dialogRef = useRef<HTMLDivElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeRef.current?.focus();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-black/60 p-4" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={dialogRef}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid="shortcuts-help"
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            e.stopPropagation();
            onClose();
          } else if (e.key === "Tab") {
            // only one focusable control: keep the focus in the dialog
            e.preventDefault();
            closeRef.current?.focus();
          }
        }}
        className="w-full max-w-md rounded-xl bg-slate-900 p-5 shadow-xl ring-1 ring-white/10"
      >
        <div className="flex items-center justify-between">
          <h2 id={titleId} className="text-lg font-semibold">
            Keyboard shortcuts
          </h2>
          <button
            ref={closeRef}
            type="button"
            onClick={onClose}
            aria-label="Close keyboard shortcuts"
            className={`rounded-md p-1.5 text-slate-300 hover:bg-slate-800 hover:text-white ${focusRing}`}
          >
            <CloseIcon />
          </button>
        </div>
        <p className="mt-1 text-sm text-slate-400">They work anywhere in the meeting except while you type in a field.</p>
        <table className="mt-4 w-full text-sm">
          <caption className="sr-only">Shortcut keys</caption>
          <tbody className="divide-y divide-white/5">
            {SHORTCUTS.map((s) => (
              <tr key={s.action} data-testid="shortcut-row" data-action={s.action}>
                <td className="py-2 pr-4 whitespace-nowrap">
                  {s.keys.map((k, i) => (
                    <span key={k}>
                      {i > 0 && <span className="mx-1 text-slate-500">+</span>}
                      <kbd className="rounded border border-white/20 bg-slate-800 px-1.5 py-0.5 font-mono text-xs">{k}</kbd>
                    </span>
                  ))}
                </td>
                <td className="py-2 text-slate-200">
                  {s.label}
                  {unavailable.includes(s.action) && <span className="text-slate-500"> (not available here)</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
