"use client";
// Camera, microphone and speaker choice (pre-join screen and the in-call settings panel),
// with the microphone level meter. Choosing switches at once and is remembered in this browser.
import type { ReactNode } from "react";
import type { RoomSession, RoomState } from "@/lib/client/room-session";
import type { DeviceKind, DeviceOption } from "@/lib/client/devices";
import { MicLevel } from "./MicLevel";
import { focusRing } from "./styles";

const selectClass = `w-full rounded-lg border border-white/15 bg-slate-900 px-3 py-2 text-sm disabled:opacity-60 ${focusRing}`;

function DeviceSelect({
  id,
  testId,
  label,
  kind,
  options,
  value,
  disabled,
  emptyText,
  session,
  hint,
}: {
  id: string;
  testId: string;
  label: string;
  kind: DeviceKind;
  options: DeviceOption[];
  value: string | null;
  disabled?: boolean;
  emptyText: string;
  session: RoomSession;
  hint?: ReactNode;
}) {
  const known = value !== null && options.some((o) => o.id === value);
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-xs font-medium text-slate-300">
        {label}
      </label>
      <select
        id={id}
        data-testid={testId}
        value={known ? value! : ""}
        disabled={disabled || options.length === 0}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(e) => e.target.value && void session.setDevice(kind, e.target.value)}
        className={selectClass}
      >
        {!known && <option value="">{options.length ? "Default" : emptyText}</option>}
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </select>
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-slate-400">
          {hint}
        </p>
      )}
    </div>
  );
}

/** `prefix` names the ids and test ids: `<prefix>-camera-select`, `<prefix>-mic-select`, `<prefix>-speaker-select`. */
export function DeviceSelects({ session, state, prefix }: { session: RoomSession; state: RoomState; prefix: string }) {
  const { devices, local } = state;
  const noPermission = "Allow access to choose";
  return (
    <div className="space-y-3">
      <DeviceSelect
        id={`${prefix}-camera`}
        testId={`${prefix}-camera-select`}
        label="Camera"
        kind="camera"
        options={devices.cameras}
        value={devices.camera}
        disabled={local.busy.camera}
        emptyText={local.cameraStatus === "missing" ? "No camera found" : noPermission}
        session={session}
      />
      <div className="space-y-1.5">
        <DeviceSelect
          id={`${prefix}-mic`}
          testId={`${prefix}-mic-select`}
          label="Microphone"
          kind="mic"
          options={devices.mics}
          value={devices.mic}
          disabled={local.busy.mic}
          emptyText={local.micStatus === "missing" ? "No microphone found" : noPermission}
          session={session}
        />
        <MicLevel session={session} active={local.micStatus === "ok" || local.micOn} />
      </div>
      <DeviceSelect
        id={`${prefix}-speaker`}
        testId={`${prefix}-speaker-select`}
        label="Speaker"
        kind="speaker"
        options={devices.speakerSelectable ? devices.speakers : []}
        value={devices.speaker}
        emptyText={devices.speakerSelectable ? "System default" : "System default (this browser cannot choose)"}
        session={session}
      />
    </div>
  );
}
