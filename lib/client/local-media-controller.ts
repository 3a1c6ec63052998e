// The local side of a call: camera, microphone and screen tracks, the pre-join preview, the
// on/off toggles and the device choices. In a call a toggle goes through the Publisher;
// `publishAll()` publishes whatever is on, which is also how a rejoin or a media reset brings
// our media back without a new getUserMedia prompt.
//
// What the controls show is what is really sent:
// - camera off = producer paused AND the capture track stopped (the camera light goes off);
//   camera on = a new capture, `replaceTrack` onto the same producer, resume;
// - mic off = producer paused (the track stays open so "you are muted" can hear you);
// - switching a device = a new capture + `replaceTrack` (no renegotiation: the others keep
//   their consumer);
// - a track the browser ends (device unplugged, permission revoked) turns its control off
//   and pauses its producer, with a notice.
import type { MediaSource } from "@/lib/signaling/protocol";
import { AudioLevelMonitor, MutedSpeechDetector } from "./audio-level";
import {
  deviceConstraints,
  listDevices,
  loadDevicePrefs,
  saveDevicePref,
  speakerSelectable,
  trackDeviceId,
  watchDeviceChanges,
  type DeviceKind,
} from "./devices";
import { captureOne, captureScreen, captureUserMedia, deviceStatusText, type DeviceStatus } from "./local-media";
import type { Publisher } from "./publisher";
import type { DevicesState, LocalMediaState } from "./room-state";

export interface LocalMediaHost {
  local(): LocalMediaState;
  setLocal(patch: Partial<LocalMediaState>): void;
  devices(): DevicesState;
  setDevices(patch: Partial<DevicesState>): void;
  notice(message: string): void;
  /** The publisher while joined (null before join or while none can be used). */
  publisher(): Publisher | null;
  inCall(): boolean;
  destroyed(): boolean;
}

const PUBLISH_FAILED: Record<MediaSource, string> = {
  camera: "Your camera could not be published.",
  mic: "Your microphone could not be published.",
  screen: "Screen sharing failed.",
};

/** How often the muted-speech detector samples the microphone level. */
const SPEECH_SAMPLE_MS = 100;

export class LocalMediaController {
  private cameraTrack: MediaStreamTrack | null = null;
  private micTrack: MediaStreamTrack | null = null;
  private screenTrack: MediaStreamTrack | null = null;
  private previewStarted = false;
  private monitor: AudioLevelMonitor | null = null;
  private readonly detector = new MutedSpeechDetector();
  private speechTimer: ReturnType<typeof setInterval> | null = null;
  private unwatchDevices: (() => void) | null = null;

  constructor(private readonly host: LocalMediaHost) {}

  private setBusy(kind: keyof LocalMediaState["busy"], value: boolean): void {
    this.host.setLocal({ busy: { ...this.host.local().busy, [kind]: value } });
  }

  // ---- tracks ---------------------------------------------------------------------------

  private setCameraTrack(track: MediaStreamTrack | null): void {
    const old = this.cameraTrack;
    this.cameraTrack = track;
    if (old && old !== track) old.stop();
    if (track) track.addEventListener("ended", () => void this.onTrackEnded("camera", track), { once: true });
    this.host.setLocal({ cameraStream: track ? new MediaStream([track]) : null });
    const id = trackDeviceId(track);
    if (id) this.host.setDevices({ camera: id });
  }

  private setMicTrack(track: MediaStreamTrack | null): void {
    const old = this.micTrack;
    this.micTrack = track;
    if (old && old !== track) old.stop();
    this.monitor?.stop();
    this.monitor = track ? AudioLevelMonitor.create(track) : null;
    if (track) track.addEventListener("ended", () => void this.onTrackEnded("mic", track), { once: true });
    const id = trackDeviceId(track);
    if (id) this.host.setDevices({ mic: id });
  }

  /** The browser ended a capture track (unplugged, permission revoked, another app took it). */
  private async onTrackEnded(kind: "camera" | "mic", track: MediaStreamTrack): Promise<void> {
    if ((kind === "camera" ? this.cameraTrack : this.micTrack) !== track || this.host.destroyed()) return;
    console.warn(`[room] the ${kind} track ended`);
    if (kind === "camera") this.setCameraTrack(null);
    else this.setMicTrack(null);
    this.host.setLocal(kind === "camera" ? { cameraOn: false, cameraStatus: "lost" } : { micOn: false, micStatus: "lost" });
    this.host.notice(deviceStatusText(kind, "lost")!);
    const publisher = this.host.publisher();
    if (publisher?.get(kind)) {
      await publisher.pause(kind);
      await publisher.replaceTrack(kind, null);
    }
    void this.refreshDevices();
  }

  // ---- preview and publishing -----------------------------------------------------------

  /** Starts the camera/mic preview (once), with the devices remembered in this browser. */
  async startPreview(): Promise<void> {
    if (this.previewStarted) return;
    this.previewStarted = true;
    this.watchDevices();
    const prefs = loadDevicePrefs();
    this.host.setDevices({
      camera: prefs.camera ?? null,
      mic: prefs.mic ?? null,
      speaker: prefs.speaker ?? null,
      speakerSelectable: speakerSelectable(),
    });
    const { cameraOn, micOn } = this.host.local();
    const res = await captureUserMedia(
      { camera: cameraOn, mic: micOn },
      { camera: deviceConstraints("camera", prefs.camera), mic: deviceConstraints("mic", prefs.mic) },
    );
    // A remembered device that is not there any more: the default one instead.
    for (const kind of ["camera", "mic"] as const) {
      const status = kind === "camera" ? res.cameraStatus : res.micStatus;
      if (status !== "missing" || !prefs[kind]) continue;
      const again = await captureOne(kind, deviceConstraints(kind, null));
      if (kind === "camera") [res.camera, res.cameraStatus] = [again.track, again.status];
      else [res.mic, res.micStatus] = [again.track, again.status];
    }
    if (this.host.destroyed()) {
      res.camera?.stop();
      res.mic?.stop();
      return;
    }
    // The user may have switched a device off while the prompt was open.
    if (res.camera && !this.host.local().cameraOn) {
      res.camera.stop();
      res.camera = null;
      res.cameraStatus = "off";
    }
    if (res.mic && !this.host.local().micOn) {
      res.mic.stop();
      res.mic = null;
      res.micStatus = "off";
    }
    this.setCameraTrack(res.camera);
    this.setMicTrack(res.mic);
    this.host.setLocal({
      cameraStatus: res.cameraStatus,
      micStatus: res.micStatus,
      cameraOn: !!res.camera,
      micOn: !!res.mic,
    });
    void this.refreshDevices(); // labels are known once a permission was given
    // Joined while the permission prompt was open: publish now.
    if (this.host.inCall()) this.publishAll();
  }

  /** Publishes every source that is on (first join, rejoin, media reset). */
  publishAll(): void {
    const local = this.host.local();
    if (this.cameraTrack && local.cameraOn) void this.publish("camera", this.cameraTrack);
    if (this.micTrack && local.micOn) void this.publish("mic", this.micTrack);
    if (this.screenTrack && this.screenTrack.readyState === "live") void this.publish("screen", this.screenTrack);
    this.startSpeechDetection();
  }

  private async publish(source: MediaSource, track: MediaStreamTrack): Promise<void> {
    const publisher = this.host.publisher();
    if (!publisher) return;
    try {
      const producer = await publisher.publish(source, track);
      if (!producer) return;
      if (source === "screen") {
        // The browser's own "Stop sharing" button ends the track.
        producer.on("trackended", () => void this.stopScreen());
        if (track.readyState === "ended") void this.stopScreen();
        return;
      }
      // Switched off (or another track taken) while publishing: catch up right away.
      const current = source === "camera" ? this.cameraTrack : this.micTrack;
      if (producer.track !== current) await publisher.replaceTrack(source, current);
      const on = source === "camera" ? this.host.local().cameraOn : this.host.local().micOn;
      if (!on) await publisher.pause(source);
    } catch (err) {
      console.error(`[room] ${source} publish failed`, err);
      this.host.notice(PUBLISH_FAILED[source]);
      if (source === "screen") this.endScreen();
    }
  }

  // ---- toggles --------------------------------------------------------------------------

  async setCamera(on: boolean): Promise<void> {
    const local = this.host.local();
    if (local.busy.camera || on === local.cameraOn) return;
    const publisher = this.host.publisher();
    if (!on) {
      this.host.setLocal({ cameraOn: false });
      this.setBusy("camera", true);
      try {
        // Nothing goes out any more, then the camera itself is released (light off).
        if (publisher?.get("camera")) {
          await publisher.pause("camera");
          await publisher.replaceTrack("camera", null);
        }
        this.releaseCamera();
      } finally {
        this.setBusy("camera", false);
      }
      return;
    }
    this.setBusy("camera", true);
    try {
      if (!this.cameraTrack || this.cameraTrack.readyState === "ended") {
        const track = await this.capture("camera", this.host.devices().camera);
        if (!track) return;
        await publisher?.replaceTrack("camera", track);
        this.setCameraTrack(track);
      }
      this.host.setLocal({ cameraOn: true, cameraStatus: "ok" });
      if (!this.host.inCall()) return;
      const current = this.host.publisher();
      if (current?.get("camera")) await current.resume("camera");
      else await this.publish("camera", this.cameraTrack!);
    } finally {
      this.setBusy("camera", false);
    }
  }

  async setMic(on: boolean): Promise<void> {
    const local = this.host.local();
    if (local.busy.mic || on === local.micOn) return;
    const inCall = this.host.inCall();
    const publisher = this.host.publisher();
    if (!on) {
      this.host.setLocal({ micOn: false });
      if (inCall && publisher?.get("mic")) await publisher.pause("mic");
      else if (!inCall) this.releaseMic();
      return;
    }
    this.setBusy("mic", true);
    try {
      if (!this.micTrack || this.micTrack.readyState === "ended") {
        const track = await this.capture("mic", this.host.devices().mic);
        if (!track) return;
        await publisher?.replaceTrack("mic", track);
        this.setMicTrack(track);
      }
      this.host.setLocal({ micOn: true, micStatus: "ok", speakingWhileMuted: false });
      if (!this.host.inCall()) return;
      const current = this.host.publisher();
      if (current?.get("mic")) await current.resume("mic");
      else await this.publish("mic", this.micTrack!);
    } finally {
      this.setBusy("mic", false);
    }
  }

  /** One getUserMedia for `kind`; on failure the status (and, in a call, a notice) says why. */
  private async capture(kind: "camera" | "mic", deviceId: string | null, exact = false): Promise<MediaStreamTrack | null> {
    let { track, status } = await captureOne(kind, deviceConstraints(kind, deviceId));
    // the remembered device is gone: the default one (a device just picked must be that one)
    if (!track && status === "missing" && deviceId && !exact) ({ track, status } = await captureOne(kind, deviceConstraints(kind, null)));
    // Some cameras cannot be opened twice: free the one in use, then try again.
    const inUse = this.cameraTrack;
    if (!track && status === "busy" && kind === "camera" && inUse?.readyState === "live") {
      inUse.stop();
      ({ track, status } = await captureOne(kind, deviceConstraints(kind, deviceId)));
      if (!track) void this.onTrackEnded("camera", inUse); // the old one is gone too now
    }
    if (this.host.destroyed()) {
      track?.stop();
      return null;
    }
    if (!track) {
      this.host.setLocal(kind === "camera" ? { cameraStatus: status } : { micStatus: status });
      if (this.host.inCall() || exact) this.host.notice(captureFailedText(kind, status));
    }
    return track;
  }

  // ---- devices --------------------------------------------------------------------------

  /**
   * Uses another camera / microphone / speaker from now on, and remembers the choice. A
   * device in use is switched at once (`replaceTrack`); one that is off is used when it is
   * turned on.
   */
  async setDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    saveDevicePref(kind, deviceId);
    if (kind === "speaker") return this.host.setDevices({ speaker: deviceId });
    const local = this.host.local();
    const busyKey = kind === "camera" ? "camera" : "mic";
    if (local.busy[busyKey]) return;
    const current = kind === "camera" ? this.cameraTrack : this.micTrack;
    if (!current || current.readyState !== "live") {
      this.host.setDevices({ [kind]: deviceId });
      return;
    }
    if (trackDeviceId(current) === deviceId) return;
    this.host.setDevices({ [kind]: deviceId }); // the select shows the choice while it opens
    this.setBusy(busyKey, true);
    try {
      const track = await this.capture(kind, deviceId, true);
      if (!track) {
        // keep showing the device really in use
        this.host.setDevices({ [kind]: trackDeviceId(kind === "camera" ? this.cameraTrack : this.micTrack) });
        return;
      }
      const publisher = this.host.publisher();
      if (publisher?.get(kind)) await publisher.replaceTrack(kind, track);
      if (kind === "camera") this.setCameraTrack(track);
      else this.setMicTrack(track);
      this.host.setDevices({ [kind]: trackDeviceId(track) ?? deviceId });
    } catch (err) {
      console.error(`[room] switching the ${kind} failed`, err);
      this.host.notice(`Could not switch to that ${kind === "camera" ? "camera" : "microphone"}.`);
    } finally {
      this.setBusy(busyKey, false);
    }
  }

  /** Lists the devices again (permission given, device plugged in or removed). */
  async refreshDevices(): Promise<void> {
    const lists = await listDevices();
    if (this.host.destroyed()) return;
    const d = this.host.devices();
    this.host.setDevices({
      ...lists,
      camera: trackDeviceId(this.cameraTrack) ?? d.camera,
      mic: trackDeviceId(this.micTrack) ?? d.mic,
    });
  }

  private watchDevices(): void {
    if (this.unwatchDevices) return;
    this.unwatchDevices = watchDeviceChanges(() => void this.refreshDevices());
  }

  /** Loudness of the microphone, 0..1 (0 without a mic track). */
  micLevel(): number {
    return this.monitor?.level() ?? 0;
  }

  /** In a call: watch for someone talking into a muted mic. */
  private startSpeechDetection(): void {
    if (this.speechTimer) return;
    this.speechTimer = setInterval(() => {
      const local = this.host.local();
      const speaking = this.host.inCall() && !!this.micTrack && this.detector.update(this.micLevel(), local.micOn, performance.now());
      if (speaking !== local.speakingWhileMuted) this.host.setLocal({ speakingWhileMuted: speaking });
    }, SPEECH_SAMPLE_MS);
  }

  // ---- screen ---------------------------------------------------------------------------

  async toggleScreen(): Promise<void> {
    if (!this.host.inCall() || this.host.local().busy.screen) return;
    if (this.screenTrack) return this.stopScreen();
    this.setBusy("screen", true);
    try {
      const track = await captureScreen();
      if (!track) return; // picker cancelled
      if (!this.host.inCall() || this.host.destroyed()) {
        track.stop();
        return;
      }
      this.screenTrack = track;
      this.host.setLocal({ screenOn: true, screenStream: new MediaStream([track]) });
      await this.publish("screen", track);
    } catch (err) {
      console.error("[room] screen share failed", err);
      this.host.notice((err as Error).message || PUBLISH_FAILED.screen);
      this.endScreen();
    } finally {
      this.setBusy("screen", false);
    }
  }

  async stopScreen(): Promise<void> {
    this.endScreen();
    await this.host.publisher()?.close("screen");
  }

  private endScreen(): void {
    this.screenTrack?.stop();
    this.screenTrack = null;
    this.host.setLocal({ screenOn: false, screenStream: null });
  }

  // ---- releasing ------------------------------------------------------------------------

  /** Camera off (and the pre-join "join without camera"): the capture is stopped. */
  releaseCamera(): void {
    this.setCameraTrack(null);
    const status = this.host.local().cameraStatus;
    this.host.setLocal({ cameraOn: false, cameraStatus: status === "ok" ? "off" : status });
  }

  releaseMic(): void {
    this.setMicTrack(null);
    const status = this.host.local().micStatus;
    this.host.setLocal({ micOn: false, micStatus: status === "ok" ? "off" : status, speakingWhileMuted: false });
  }

  /** Leaving: every device is released (lights off). The on/off choices are kept for a rejoin. */
  stopAll(): void {
    this.setCameraTrack(null);
    this.setMicTrack(null);
    this.screenTrack?.stop();
    this.screenTrack = null;
    this.previewStarted = false;
    if (this.speechTimer) clearInterval(this.speechTimer);
    this.speechTimer = null;
    this.unwatchDevices?.();
    this.unwatchDevices = null;
    this.host.setLocal({ cameraStream: null, screenStream: null, screenOn: false, speakingWhileMuted: false });
  }

  /** Captures again what was on before stopAll() (a Rejoin after giving up). */
  async reacquire(): Promise<void> {
    this.previewStarted = false;
    await this.startPreview();
  }
}

function captureFailedText(kind: "camera" | "mic", status: DeviceStatus): string {
  return deviceStatusText(kind, status) ?? (kind === "camera" ? "Your camera could not be started." : "Your microphone could not be started.");
}
