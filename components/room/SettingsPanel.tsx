"use client";
// In-call settings: camera, microphone (with its level) and speaker, switched on the fly.
import type { RoomSession, RoomState } from "@/lib/client/room-session";
import { DeviceSelects } from "./DeviceSelects";
import { SidePanel } from "./SidePanel";
import { secondaryButton } from "./styles";

export const SETTINGS_PANEL_ID = "room-settings-panel";

export function SettingsPanel({
  session,
  state,
  onClose,
  onShowShortcuts,
}: {
  session: RoomSession;
  state: RoomState;
  onClose: () => void;
  onShowShortcuts: () => void;
}) {
  return (
    <SidePanel id={SETTINGS_PANEL_ID} testId="settings-panel" title="Settings" onClose={onClose}>
      <div className="space-y-5 p-4">
        <section aria-label="Devices">
          <DeviceSelects session={session} state={state} prefix="settings" />
          <p className="mt-2 text-xs text-slate-400">Your choices are remembered in this browser.</p>
        </section>
        <button type="button" data-testid="shortcuts-open" onClick={onShowShortcuts} className={`${secondaryButton} w-full text-sm`}>
          Keyboard shortcuts (?)
        </button>
      </div>
    </SidePanel>
  );
}
