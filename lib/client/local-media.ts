// Camera / microphone / screen capture with the app's defaults and error classification.

/**
 * 1280x720@24 when the camera offers it: the top of the simulcast ladder (viewers with small
 * tiles or slow links get the 640x360 or 320x180 layer of it, see simulcast.ts).
 */
export const CAMERA_CONSTRAINTS: MediaTrackConstraints = {
  width: { ideal: 1280 },
  height: { ideal: 720 },
  frameRate: { ideal: 24, max: 24 },
};

export const MIC_CONSTRAINTS: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

/**
 * Why a device is not in use. "off" = the user switched it off; "lost" = it stopped during
 * the call (unplugged, or the permission was revoked).
 */
export type DeviceStatus = "pending" | "ok" | "off" | "denied" | "missing" | "busy" | "error" | "unsupported" | "lost";

export function classifyMediaError(err: unknown): DeviceStatus {
  const name = (err as { name?: string } | null)?.name;
  switch (name) {
    case "NotAllowedError":
    case "SecurityError":
      return "denied";
    case "NotFoundError":
    case "OverconstrainedError":
      return "missing";
    case "NotReadableError":
    case "AbortError":
      return "busy";
    case "TypeError":
      return "unsupported";
    default:
      return "error";
  }
}

export function deviceStatusText(kind: "camera" | "mic", status: DeviceStatus): string | null {
  const what = kind === "camera" ? "camera" : "microphone";
  switch (status) {
    case "denied":
      return `Access to the ${what} was denied. Allow it in the browser's site settings.`;
    case "missing":
      return `No ${what} was found.`;
    case "busy":
      return `The ${what} is in use by another application.`;
    case "unsupported":
      return `This browser cannot capture the ${what} here (a secure https page is required).`;
    case "error":
      return `The ${what} could not be started.`;
    case "lost":
      return `Your ${what} stopped (it was disconnected, or access to it was revoked).`;
    default:
      return null;
  }
}

export interface CaptureResult {
  camera: MediaStreamTrack | null;
  mic: MediaStreamTrack | null;
  cameraStatus: DeviceStatus;
  micStatus: DeviceStatus;
}

function hasGetUserMedia(): boolean {
  return typeof navigator !== "undefined" && !!navigator.mediaDevices?.getUserMedia;
}

/**
 * Opens camera and/or mic with one prompt; if the combined request fails, retries each
 * device alone so that e.g. a missing camera still leaves a working mic.
 */
export async function captureUserMedia(
  want: { camera: boolean; mic: boolean },
  constraints: { camera?: MediaTrackConstraints; mic?: MediaTrackConstraints } = {},
): Promise<CaptureResult> {
  const result: CaptureResult = {
    camera: null,
    mic: null,
    cameraStatus: want.camera ? "pending" : "off",
    micStatus: want.mic ? "pending" : "off",
  };
  if (!want.camera && !want.mic) return result;
  if (!hasGetUserMedia()) {
    if (want.camera) result.cameraStatus = "unsupported";
    if (want.mic) result.micStatus = "unsupported";
    return result;
  }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      video: want.camera ? (constraints.camera ?? CAMERA_CONSTRAINTS) : false,
      audio: want.mic ? (constraints.mic ?? MIC_CONSTRAINTS) : false,
    });
    result.camera = stream.getVideoTracks()[0] ?? null;
    result.mic = stream.getAudioTracks()[0] ?? null;
    if (want.camera) result.cameraStatus = result.camera ? "ok" : "missing";
    if (want.mic) result.micStatus = result.mic ? "ok" : "missing";
    return result;
  } catch (err) {
    if (!(want.camera && want.mic)) {
      const status = classifyMediaError(err);
      if (want.camera) result.cameraStatus = status;
      else result.micStatus = status;
      return result;
    }
  }
  const [cam, mic] = await Promise.all([captureOne("camera", constraints.camera), captureOne("mic", constraints.mic)]);
  return { camera: cam.track, mic: mic.track, cameraStatus: cam.status, micStatus: mic.status };
}

export async function captureOne(
  kind: "camera" | "mic",
  constraints?: MediaTrackConstraints,
): Promise<{ track: MediaStreamTrack | null; status: DeviceStatus }> {
  if (!hasGetUserMedia()) return { track: null, status: "unsupported" };
  try {
    const stream = await navigator.mediaDevices.getUserMedia(
      kind === "camera" ? { video: constraints ?? CAMERA_CONSTRAINTS } : { audio: constraints ?? MIC_CONSTRAINTS },
    );
    const track = (kind === "camera" ? stream.getVideoTracks() : stream.getAudioTracks())[0] ?? null;
    return { track, status: track ? "ok" : "missing" };
  } catch (err) {
    return { track: null, status: classifyMediaError(err) };
  }
}

/** Screen capture; resolves null when the user cancels the picker. */
export async function captureScreen(): Promise<MediaStreamTrack | null> {
  if (!navigator.mediaDevices?.getDisplayMedia) throw new Error("Screen sharing is not supported by this browser.");
  try {
    const stream = await navigator.mediaDevices.getDisplayMedia({
      video: { frameRate: { ideal: 15, max: 30 }, width: { max: 1920 }, height: { max: 1080 } },
      audio: false,
    });
    const track = stream.getVideoTracks()[0] ?? null;
    // Text and slides: keep resolution, drop frames when needed.
    if (track && "contentHint" in track) track.contentHint = "detail";
    return track;
  } catch (err) {
    if ((err as Error).name === "NotAllowedError" || (err as Error).name === "AbortError") return null;
    throw err;
  }
}
