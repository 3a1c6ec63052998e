"use client";
// Meeting controls. Toggle buttons keep a fixed label and expose on/off via aria-pressed
// (pressed = the device is on / the screen is being shared).
import type { ReactNode } from "react";
import { CameraIcon, CameraOffIcon, LeaveIcon, MicIcon, MicOffIcon, ScreenIcon } from "./icons";
import { focusRing } from "./styles";
import { ToggleButton } from "./ToggleButton";

export interface ControlsBarProps {
  micOn: boolean;
  cameraOn: boolean;
  screenOn: boolean;
  busy: { mic: boolean; camera: boolean; screen: boolean };
  canShareScreen: boolean;
  onToggleMic: () => void;
  onToggleCamera: () => void;
  onToggleScreen: () => void;
  onLeave: () => void;
  /** More controls before Leave (hand, reactions, panels). */
  beforeLeave?: ReactNode;
  /** After Leave (e.g. "End for all"). */
  children?: ReactNode;
}

export function ControlsBar(p: ControlsBarProps) {
  return (
    <div role="group" aria-label="Meeting controls" className="flex flex-wrap items-center justify-center gap-3 px-4 py-3">
      <ToggleButton
        testId="toggle-mic"
        label="Microphone"
        hint={p.micOn ? "Mute microphone" : "Unmute microphone"}
        pressed={p.micOn}
        busy={p.busy.mic}
        onClick={p.onToggleMic}
        icon={p.micOn ? <MicIcon /> : <MicOffIcon />}
        offDanger
      />
      <ToggleButton
        testId="toggle-camera"
        label="Camera"
        hint={p.cameraOn ? "Turn camera off" : "Turn camera on"}
        pressed={p.cameraOn}
        busy={p.busy.camera}
        onClick={p.onToggleCamera}
        icon={p.cameraOn ? <CameraIcon /> : <CameraOffIcon />}
        offDanger
      />
      {p.canShareScreen && (
        <ToggleButton
          testId="toggle-screen"
          label="Share screen"
          hint={p.screenOn ? "Stop sharing your screen" : "Share your screen"}
          pressed={p.screenOn}
          busy={p.busy.screen}
          onClick={p.onToggleScreen}
          icon={<ScreenIcon />}
        />
      )}
      {p.beforeLeave}
      <button
        type="button"
        data-testid="leave"
        aria-label="Leave meeting"
        title="Leave meeting"
        onClick={p.onLeave}
        className={`flex h-12 items-center gap-2 rounded-full bg-red-600 px-5 font-medium text-white hover:bg-red-500 ${focusRing}`}
      >
        <LeaveIcon />
        <span className="hidden sm:inline">Leave</span>
      </button>
      {p.children}
    </div>
  );
}
