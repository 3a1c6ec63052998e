"use client";
// Which side panels of the room are open, their toggle buttons and the shortcuts dialog.
// The participants list and chat can stay open side by side; settings and diagnostics
// share one slot (opening one closes the other). Chat's open state is in the session (the
// unread count depends on it), the participants list's in useModerationUi (passed in here
// so every panel lives in the one side-panel area); the rest is plain UI state.
import { useCallback, useState, type ReactNode } from "react";
import type { RoomSession, RoomState } from "@/lib/client/room-session";
import { CHAT_PANEL_ID, ChatPanel } from "./ChatPanel";
import { DIAGNOSTICS_PANEL_ID, DiagnosticsPanel } from "./DiagnosticsPanel";
import { ActivityIcon, ChatIcon, KeyboardIcon, SettingsIcon } from "./icons";
import { SETTINGS_PANEL_ID, SettingsPanel } from "./SettingsPanel";
import { ShortcutsHelp } from "./ShortcutsHelp";
import { PanelToggle, SidePanelArea } from "./SidePanel";
import { focusRing } from "./styles";

type Tool = "settings" | "diagnostics" | null;

export interface RoomPanels {
  /** Buttons for the controls bar. */
  toggles: ReactNode;
  /** The open panels, for beside the stage. */
  panels: ReactNode;
  /** Modal dialogs (keyboard shortcuts). */
  dialogs: ReactNode;
  toggleChat: () => void;
  showHelp: () => void;
}

export interface RoomPanelsOptions {
  /** The participants panel when open, and its toggle (from useModerationUi). */
  participants?: ReactNode;
  participantsToggle?: ReactNode;
  /** Shortcuts listed as not available in this room. */
  unavailableShortcuts?: string[];
}

export function useRoomPanels(session: RoomSession, state: RoomState, opts: RoomPanelsOptions = {}): RoomPanels {
  const [tool, setTool] = useState<Tool>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  const chat = state.chat;
  const toggleTool = (t: Exclude<Tool, null>) => setTool((cur) => (cur === t ? null : t));
  const toggleChat = useCallback(() => session.chat.toggle(), [session]);
  const showHelp = useCallback(() => setHelpOpen(true), []);

  const toggles = (
    <>
      {opts.participantsToggle}
      <PanelToggle
        testId="chat-open"
        label="Chat"
        panelId={CHAT_PANEL_ID}
        open={chat.open}
        onClick={toggleChat}
        icon={<ChatIcon />}
        shortcut="C"
        badge={{ count: chat.unread, testId: "chat-unread", label: "unread" }}
      />
      <PanelToggle
        testId="settings-open"
        label="Settings"
        panelId={SETTINGS_PANEL_ID}
        open={tool === "settings"}
        onClick={() => toggleTool("settings")}
        icon={<SettingsIcon />}
      />
      <PanelToggle
        testId="diagnostics-open"
        label="Connection diagnostics"
        panelId={DIAGNOSTICS_PANEL_ID}
        open={tool === "diagnostics"}
        onClick={() => toggleTool("diagnostics")}
        icon={<ActivityIcon />}
      />
      <button
        type="button"
        aria-label="Keyboard shortcuts"
        title="Keyboard shortcuts (?)"
        aria-haspopup="dialog"
        onClick={showHelp}
        className={`hidden size-11 items-center justify-center rounded-full bg-slate-800 text-white hover:bg-slate-700 md:flex ${focusRing}`}
      >
        <KeyboardIcon />
      </button>
    </>
  );

  const panels = (
    <SidePanelArea>
      {opts.participants}
      {chat.open && <ChatPanel session={session} chat={chat} onClose={() => session.chat.setOpen(false)} />}
      {tool === "settings" && (
        <SettingsPanel session={session} state={state} onClose={() => setTool(null)} onShowShortcuts={showHelp} />
      )}
      {tool === "diagnostics" && <DiagnosticsPanel session={session} onClose={() => setTool(null)} />}
    </SidePanelArea>
  );

  const dialogs = helpOpen ? <ShortcutsHelp onClose={() => setHelpOpen(false)} unavailable={opts.unavailableShortcuts} /> : null;

  return { toggles, panels, dialogs, toggleChat, showHelp };
}
