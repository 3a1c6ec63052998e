// The publishing half of a call: one Producer per source (mic, camera, screen) on the send
// transport, their pause state mirrored to the server, and what to do after a reconnect —
// `reconcile()` finds producers the server no longer has (its worker died while we were
// away) so they can be published again from the same local tracks.
import type { Device } from "mediasoup-client";
import type { Producer, RtpCodecCapability } from "mediasoup-client/types";
import type { MediaSource, ProducerInfo } from "@/lib/signaling/protocol";
import type { MediaTransports, SendAppData, Signal } from "./transports";

const CAMERA_MAX_BITRATE = 800_000;
const SCREEN_MAX_BITRATE = 1_500_000;

export class Publisher {
  private readonly producers: Record<MediaSource, Producer | null> = { mic: null, camera: null, screen: null };
  private readonly inFlight: Record<MediaSource, Promise<Producer | null> | null> = {
    mic: null,
    camera: null,
    screen: null,
  };

  constructor(
    private readonly device: Device,
    private readonly transports: MediaTransports,
    private readonly signal: Signal,
  ) {}

  get(source: MediaSource): Producer | null {
    const p = this.producers[source];
    return p && !p.closed ? p : null;
  }

  isPublishing(source: MediaSource): boolean {
    return this.inFlight[source] !== null;
  }

  /**
   * Publishes `track` as `source` (once: a second call while one is in flight returns the
   * same promise). Throws what produce() threw; null when the transport went away meanwhile.
   */
  publish(source: MediaSource, track: MediaStreamTrack): Promise<Producer | null> {
    const existing = this.get(source);
    if (existing) return Promise.resolve(existing);
    this.inFlight[source] ??= this.doPublish(source, track).finally(() => {
      this.inFlight[source] = null;
    });
    return this.inFlight[source]!;
  }

  private async doPublish(source: MediaSource, track: MediaStreamTrack): Promise<Producer | null> {
    const send = await this.transports.whenSend();
    if (!send || send.closed || track.readyState === "ended") return null;
    track.enabled = true;
    const producer = await send.produce<SendAppData>(
      source === "mic"
        ? { track, codecOptions: { opusDtx: true, opusFec: true }, stopTracks: false, appData: { source } }
        : {
            track,
            codec: this.findCodec("video/vp8"),
            encodings: [{ maxBitrate: source === "camera" ? CAMERA_MAX_BITRATE : SCREEN_MAX_BITRATE }],
            ...(source === "camera" ? { codecOptions: { videoGoogleStartBitrate: 600 } } : {}),
            stopTracks: false,
            appData: { source },
          },
    );
    if (send.closed) return null;
    this.producers[source] = producer;
    return producer;
  }

  private findCodec(mimeType: string): RtpCodecCapability | undefined {
    return this.device.sendRtpCapabilities.codecs?.find((c) => c.mimeType.toLowerCase() === mimeType);
  }

  async pause(source: MediaSource): Promise<void> {
    const producer = this.get(source);
    if (!producer) return;
    producer.pause();
    await this.signal("pauseProducer", { producerId: producer.id }).catch((err) => {
      console.warn("[room] pauseProducer failed", err);
    });
  }

  async resume(source: MediaSource): Promise<void> {
    const producer = this.get(source);
    if (!producer) return;
    producer.resume();
    await this.signal("resumeProducer", { producerId: producer.id }).catch((err) => {
      console.warn("[room] resumeProducer failed", err);
    });
  }

  /** Sends another track on the same producer (no renegotiation); null sends nothing. */
  async replaceTrack(source: MediaSource, track: MediaStreamTrack | null): Promise<void> {
    const producer = this.get(source);
    if (!producer || producer.track === track) return;
    await producer.replaceTrack({ track });
  }

  /** The live producers (diagnostics). */
  list(): { source: MediaSource; producer: Producer }[] {
    return (Object.keys(this.producers) as MediaSource[]).flatMap((source) => {
      const producer = this.get(source);
      return producer ? [{ source, producer }] : [];
    });
  }

  /** Stops publishing `source` (the track is the caller's). */
  async close(source: MediaSource): Promise<void> {
    const producer = this.producers[source];
    this.producers[source] = null;
    if (!producer || producer.closed) return;
    producer.close();
    await this.signal("closeProducer", { producerId: producer.id }).catch((err) => {
      console.warn("[room] closeProducer failed", err);
    });
  }

  /** The producers went with their transport (media reset, rejoin): forget them locally. */
  forgetAll(): void {
    for (const source of Object.keys(this.producers) as MediaSource[]) {
      this.producers[source]?.close();
      this.producers[source] = null;
    }
  }

  /**
   * After a resume: drops local producers the server no longer has (returns their sources,
   * to publish again), tells the server about pause changes made while it could not hear
   * us, and closes server producers we do not know.
   */
  async reconcile(server: ProducerInfo[]): Promise<MediaSource[]> {
    const byId = new Map(server.map((p) => [p.id, p]));
    const lost: MediaSource[] = [];
    const jobs: Promise<unknown>[] = [];
    for (const source of Object.keys(this.producers) as MediaSource[]) {
      const producer = this.get(source);
      if (!producer) continue;
      const remote = byId.get(producer.id);
      byId.delete(producer.id);
      if (!remote) {
        producer.close();
        this.producers[source] = null;
        lost.push(source);
      } else if (remote.paused !== producer.paused) {
        jobs.push(
          this.signal(producer.paused ? "pauseProducer" : "resumeProducer", { producerId: producer.id }).catch(() => {}),
        );
      }
    }
    for (const stray of byId.values()) {
      jobs.push(this.signal("closeProducer", { producerId: stray.id }).catch(() => {}));
    }
    await Promise.all(jobs);
    return lost;
  }
}
