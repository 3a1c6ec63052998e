"use client";
// The room's keyboard shortcuts, in one place: the keys, what they are called in the help
// dialog, and the listener. Single keys (as in Jitsi Meet), never while typing in a field,
// never with Ctrl/Alt/⌘ (those belong to the browser), and leaving needs Shift.
import { useEffect, useRef } from "react";

export type ShortcutAction =
  | "toggleMic"
  | "toggleCamera"
  | "toggleScreen"
  | "toggleHand"
  | "toggleChat"
  | "toggleParticipants"
  | "leave"
  | "showHelp";

/** What each shortcut does; an action left undefined is listed but does nothing (yet). */
export type ShortcutActions = Record<ShortcutAction, (() => void) | undefined>;

export const SHORTCUTS: { action: ShortcutAction; keys: string[]; label: string }[] = [
  { action: "toggleMic", keys: ["M"], label: "Mute / unmute the microphone" },
  { action: "toggleCamera", keys: ["V"], label: "Turn the camera on / off" },
  { action: "toggleScreen", keys: ["S"], label: "Share your screen / stop sharing" },
  { action: "toggleHand", keys: ["H"], label: "Raise / lower your hand" },
  { action: "toggleChat", keys: ["C"], label: "Open / close the chat" },
  { action: "toggleParticipants", keys: ["P"], label: "Show / hide the participants" },
  { action: "leave", keys: ["Shift", "L"], label: "Leave the meeting" },
  { action: "showHelp", keys: ["?"], label: "Show these shortcuts" },
];

const LETTERS: Record<string, ShortcutAction> = {
  m: "toggleMic",
  v: "toggleCamera",
  s: "toggleScreen",
  h: "toggleHand",
  c: "toggleChat",
  p: "toggleParticipants",
};

export type KeyLike = Pick<KeyboardEvent, "key" | "shiftKey" | "ctrlKey" | "altKey" | "metaKey" | "repeat">;

/** The action a key press means, or null. Pure (unit-tested). */
export function shortcutFor(e: KeyLike): ShortcutAction | null {
  if (e.ctrlKey || e.altKey || e.metaKey || e.repeat) return null;
  if (e.key === "?") return "showHelp";
  const key = e.key.length === 1 ? e.key.toLowerCase() : "";
  if (e.shiftKey) return key === "l" ? "leave" : null;
  return LETTERS[key] ?? null;
}

type TargetLike = { tagName?: string; isContentEditable?: boolean; getAttribute?(name: string): string | null; closest?(sel: string): unknown } | null;

/** True when keys typed at `target` are text (fields, editable content), not commands. */
export function isTypingTarget(target: TargetLike): boolean {
  if (!target) return false;
  const tag = target.tagName?.toUpperCase();
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") {
    const type = (target.getAttribute?.("type") ?? "text").toLowerCase();
    return !["button", "checkbox", "radio", "range", "reset", "submit", "color", "file", "image"].includes(type);
  }
  if (target.isContentEditable) return true;
  const role = target.getAttribute?.("role");
  return role === "textbox" || role === "combobox" || role === "searchbox";
}

/** Listens on the document while mounted; `actions` may change on every render. */
export function useShortcuts(actions: ShortcutActions, enabled = true): void {
  const ref = useRef(actions);
  ref.current = actions;
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || isTypingTarget(e.target as TargetLike)) return;
      // a modal dialog (e.g. the shortcuts help) owns the keyboard while it is open
      if (document.querySelector('[aria-modal="true"]')) return;
      const action = shortcutFor(e);
      const run = action ? ref.current[action] : undefined;
      if (!run) return;
      e.preventDefault();
      run();
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [enabled]);
}
