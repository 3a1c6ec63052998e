// The machine's media devices: listing them (enumerateDevices), watching for changes
// (`devicechange`: plugged / unplugged), the choices remembered per browser (localStorage),
// and the constraints that open a chosen device.
import { CAMERA_CONSTRAINTS, MIC_CONSTRAINTS } from "./local-media";

export type DeviceKind = "camera" | "mic" | "speaker";

export interface DeviceOption {
  id: string;
  label: string;
}

export interface DeviceLists {
  cameras: DeviceOption[];
  mics: DeviceOption[];
  speakers: DeviceOption[];
}

export type DevicePrefs = Partial<Record<DeviceKind, string>>;

const PREFS_KEY = "meet.devices";
const BROWSER_KIND: Record<MediaDeviceKind, DeviceKind> = { videoinput: "camera", audioinput: "mic", audiooutput: "speaker" };
const FALLBACK_LABEL: Record<DeviceKind, string> = { camera: "Camera", mic: "Microphone", speaker: "Speaker" };

/** Every camera, microphone and speaker. Labels are empty until the site has a permission. */
export async function listDevices(): Promise<DeviceLists> {
  const lists: DeviceLists = { cameras: [], mics: [], speakers: [] };
  if (typeof navigator === "undefined" || !navigator.mediaDevices?.enumerateDevices) return lists;
  let devices: MediaDeviceInfo[];
  try {
    devices = await navigator.mediaDevices.enumerateDevices();
  } catch {
    return lists;
  }
  const target: Record<DeviceKind, DeviceOption[]> = { camera: lists.cameras, mic: lists.mics, speaker: lists.speakers };
  for (const d of devices) {
    const kind = BROWSER_KIND[d.kind];
    // without a permission the browser lists one anonymous entry per kind (no id): skip it
    if (!kind || !d.deviceId || target[kind].some((o) => o.id === d.deviceId)) continue;
    target[kind].push({ id: d.deviceId, label: d.label || `${FALLBACK_LABEL[kind]} ${target[kind].length + 1}` });
  }
  return lists;
}

/** Calls `onChange` when a device is plugged in or removed; returns the unsubscribe. */
export function watchDeviceChanges(onChange: () => void): () => void {
  const md = typeof navigator !== "undefined" ? navigator.mediaDevices : undefined;
  if (!md?.addEventListener) return () => {};
  md.addEventListener("devicechange", onChange);
  return () => md.removeEventListener("devicechange", onChange);
}

export function speakerSelectable(): boolean {
  return typeof HTMLMediaElement !== "undefined" && "setSinkId" in HTMLMediaElement.prototype;
}

export function loadDevicePrefs(): DevicePrefs {
  try {
    const raw = JSON.parse(localStorage.getItem(PREFS_KEY) ?? "{}") as Record<string, unknown>;
    const prefs: DevicePrefs = {};
    for (const k of ["camera", "mic", "speaker"] as const) {
      if (typeof raw[k] === "string" && raw[k].length <= 256) prefs[k] = raw[k];
    }
    return prefs;
  } catch {
    return {}; // storage disabled or garbage: the browser's defaults
  }
}

export function saveDevicePref(kind: DeviceKind, id: string | null): void {
  try {
    const prefs = loadDevicePrefs();
    if (id) prefs[kind] = id;
    else delete prefs[kind];
    localStorage.setItem(PREFS_KEY, JSON.stringify(prefs));
  } catch {
    // remembering is a convenience
  }
}

/**
 * Capture constraints for a device (the browser's default without one). Always `exact`:
 * Chromium does not honour an `ideal` deviceId, so a remembered device that is gone fails
 * with "missing" and the caller falls back to the default.
 */
export function deviceConstraints(kind: "camera" | "mic", deviceId: string | null | undefined): MediaTrackConstraints {
  const base = kind === "camera" ? CAMERA_CONSTRAINTS : MIC_CONSTRAINTS;
  return deviceId ? { ...base, deviceId: { exact: deviceId } } : base;
}

/** The device a live track really uses. */
export function trackDeviceId(track: MediaStreamTrack | null): string | null {
  if (!track || track.readyState !== "live") return null;
  return track.getSettings?.().deviceId ?? null;
}
