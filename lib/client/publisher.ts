// The publishing half of a call: one Producer per source (mic, camera, screen) on the send
// transport, their pause state mirrored to the server, and what to do after a reconnect —
// `reconcile()` finds producers the server no longer has (its worker died while we were
// away) so they can be published again from the same local tracks. Video is sent as
// simulcast.ts plans it: the camera as three VP8 (or H264) layers, a screen as one
// high-resolution stream (VP9 SVC when the room's router and this browser have VP9).
import type { Device } from "mediasoup-client";
import type { Producer, ProducerOptions, RtpCodecCapability } from "mediasoup-client/types";
import type { MediaSource, ProducerInfo } from "@/lib/signaling/protocol";
import { cameraSendPlan, screenSendPlan } from "./simulcast";
import type { MediaTransports, SendAppData, Signal } from "./transports";

/** Whether this browser's encoder for `mimeType` does `mode` (VP8 does L1T3 wherever the list is missing). */
function supportsScalabilityMode(mimeType: string, mode: string): boolean {
  const caps = typeof RTCRtpSender !== "undefined" ? RTCRtpSender.getCapabilities?.("video") : null;
  const codec = caps?.codecs.find((c) => c.mimeType.toLowerCase() === mimeType.toLowerCase()) as
    | (RTCRtpCodec & { scalabilityModes?: string[] })
    | undefined;
  if (codec?.scalabilityModes) return codec.scalabilityModes.includes(mode);
  return mimeType.toLowerCase() === "video/vp8";
}

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
        : this.videoOptions(source, track),
    );
    if (send.closed) return null;
    this.producers[source] = producer;
    this.onProducer?.(producer);
    return producer;
  }

  /** Called with every new producer (dynacast applies demands that arrived first). */
  onProducer: ((producer: Producer) => void) | null = null;

  /** The live producer with this id (dynacast). */
  byId(producerId: string): Producer | null {
    for (const p of Object.values(this.producers)) if (p && !p.closed && p.id === producerId) return p;
    return null;
  }

  private videoOptions(source: MediaSource, track: MediaStreamTrack): ProducerOptions<SendAppData> {
    const { width = 0, height = 0 } = track.getSettings();
    if (source === "screen") {
      const vp9 = this.findCodec("video/vp9");
      const svc = !!vp9 && supportsScalabilityMode("video/vp9", "L3T3_KEY");
      const plan = screenSendPlan(width, height, svc);
      return {
        track,
        codec: svc ? vp9 : this.findCodec("video/vp8"),
        encodings: plan.encodings,
        stopTracks: false,
        appData: { source, videoLayers: plan.layers },
      };
    }
    // VP8 first (every browser, cheap to encode); H264 where VP8 is not negotiated.
    const codec = this.findCodec("video/vp8") ?? this.findCodec("video/h264");
    const plan = cameraSendPlan(width, height, codec && supportsScalabilityMode(codec.mimeType, "L1T3") ? "L1T3" : null);
    return {
      track,
      codec,
      encodings: plan.encodings,
      codecOptions: { videoGoogleStartBitrate: 1000 },
      stopTracks: false,
      appData: { source, videoLayers: plan.layers },
    };
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
