// The local side of a call: camera, microphone and screen tracks, the pre-join preview and
// the on/off toggles. In a call a toggle goes through the Publisher (pause/resume, or
// publish the first time); `publishAll()` publishes whatever is on, which is also how a
// rejoin or a media reset brings our media back without a new getUserMedia prompt.
import type { MediaSource } from "@/lib/signaling/protocol";
import { captureOne, captureScreen, captureUserMedia, deviceStatusText } from "./local-media";
import type { Publisher } from "./publisher";
import type { LocalMediaState } from "./room-state";

export interface LocalMediaHost {
  local(): LocalMediaState;
  setLocal(patch: Partial<LocalMediaState>): void;
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

export class LocalMediaController {
  private cameraTrack: MediaStreamTrack | null = null;
  private micTrack: MediaStreamTrack | null = null;
  private screenTrack: MediaStreamTrack | null = null;
  private previewStarted = false;

  constructor(private readonly host: LocalMediaHost) {}

  private setBusy(kind: keyof LocalMediaState["busy"], value: boolean): void {
    this.host.setLocal({ busy: { ...this.host.local().busy, [kind]: value } });
  }

  private setCameraTrack(track: MediaStreamTrack | null): void {
    this.cameraTrack = track;
    this.host.setLocal({ cameraStream: track ? new MediaStream([track]) : null });
  }

  /** Starts the camera/mic preview (once). */
  async startPreview(): Promise<void> {
    if (this.previewStarted) return;
    this.previewStarted = true;
    const { cameraOn, micOn } = this.host.local();
    const res = await captureUserMedia({ camera: cameraOn, mic: micOn });
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
    this.micTrack = res.mic;
    this.host.setLocal({
      cameraStatus: res.cameraStatus,
      micStatus: res.micStatus,
      cameraOn: !!res.camera,
      micOn: !!res.mic,
    });
    // Joined while the permission prompt was open: publish now.
    if (this.host.inCall()) this.publishAll();
  }

  /** Publishes every source that is on (first join, rejoin, media reset). */
  publishAll(): void {
    const local = this.host.local();
    if (this.cameraTrack && local.cameraOn) void this.publish("camera", this.cameraTrack);
    if (this.micTrack && local.micOn) void this.publish("mic", this.micTrack);
    if (this.screenTrack && this.screenTrack.readyState === "live") void this.publish("screen", this.screenTrack);
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
      // Switched off while publishing: pause right away.
      const on = source === "camera" ? this.host.local().cameraOn : this.host.local().micOn;
      if (!on) await publisher.pause(source);
    } catch (err) {
      console.error(`[room] ${source} publish failed`, err);
      this.host.notice(PUBLISH_FAILED[source]);
      if (source === "screen") this.endScreen();
    }
  }

  async setCamera(on: boolean): Promise<void> {
    const local = this.host.local();
    if (local.busy.camera || on === local.cameraOn) return;
    const inCall = this.host.inCall();
    const publisher = this.host.publisher();
    if (!on) {
      this.host.setLocal({ cameraOn: false });
      if (inCall && publisher?.get("camera")) await publisher.pause("camera");
      else if (!inCall) this.releaseCamera(); // pre-join: the camera light goes off
      return;
    }
    this.setBusy("camera", true);
    try {
      if (!this.cameraTrack || this.cameraTrack.readyState === "ended") {
        const { track, status } = await captureOne("camera");
        if (this.host.destroyed()) return void track?.stop();
        this.host.setLocal({ cameraStatus: status });
        if (!track) {
          if (inCall) this.host.notice(deviceStatusText("camera", status) ?? "Your camera could not be started.");
          return;
        }
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
        const { track, status } = await captureOne("mic");
        if (this.host.destroyed()) return void track?.stop();
        this.host.setLocal({ micStatus: status });
        if (!track) {
          if (inCall) this.host.notice(deviceStatusText("mic", status) ?? "Your microphone could not be started.");
          return;
        }
        await publisher?.replaceTrack("mic", track);
        this.micTrack = track;
      }
      this.host.setLocal({ micOn: true, micStatus: "ok" });
      if (!this.host.inCall()) return;
      const current = this.host.publisher();
      if (current?.get("mic")) await current.resume("mic");
      else await this.publish("mic", this.micTrack!);
    } finally {
      this.setBusy("mic", false);
    }
  }

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

  /** The pre-join "join without camera / microphone" choices. */
  releaseCamera(): void {
    this.cameraTrack?.stop();
    this.setCameraTrack(null);
    const status = this.host.local().cameraStatus;
    this.host.setLocal({ cameraOn: false, cameraStatus: status === "ok" ? "off" : status });
  }

  releaseMic(): void {
    this.micTrack?.stop();
    this.micTrack = null;
    const status = this.host.local().micStatus;
    this.host.setLocal({ micOn: false, micStatus: status === "ok" ? "off" : status });
  }

  /** Leaving: every device is released (lights off). The on/off choices are kept for a rejoin. */
  stopAll(): void {
    this.cameraTrack?.stop();
    this.micTrack?.stop();
    this.screenTrack?.stop();
    this.cameraTrack = this.micTrack = this.screenTrack = null;
    this.previewStarted = false;
    this.host.setLocal({ cameraStream: null, screenStream: null, screenOn: false });
  }

  /** Captures again what was on before stopAll() (a Rejoin after giving up). */
  async reacquire(): Promise<void> {
    this.previewStarted = false;
    await this.startPreview();
  }
}
