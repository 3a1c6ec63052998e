// The consuming half of a call: turns the server's consumer announcements into local
// mediasoup-client Consumers on the recv transport and RemoteMedia in the room state.
// Pause/close notices can overtake a consume() still in flight; they are remembered and
// applied when it lands. After a resume, `reconcile()` brings the local set in line with the
// server's list (notifications missed while the socket was down).
import type { Consumer, RtpParameters } from "mediasoup-client/types";
import type { ConsumerInfo } from "@/lib/signaling/protocol";
import type { RemoteMedia, RoomAction } from "./room-state";
import type { MediaTransports, Signal } from "./transports";

type EarlyEvent = "paused" | "resumed" | "closed";

export class Subscriber {
  private readonly consumers = new Map<string, { consumer: Consumer; peerId: string }>();
  /** Consumers announced whose consume() has not finished yet. */
  private readonly pending = new Set<string>();
  private readonly early = new Map<string, EarlyEvent>();

  constructor(
    private readonly transports: MediaTransports,
    private readonly signal: Signal,
    private readonly dispatch: (action: RoomAction) => void,
    private readonly mark: (name: string) => void,
  ) {}

  get size(): number {
    return this.consumers.size;
  }

  /** The live consumers with their peer and source (diagnostics). */
  list(): { peerId: string; source: string; consumer: Consumer }[] {
    return [...this.consumers.values()].map(({ consumer, peerId }) => ({
      peerId,
      source: (consumer.appData as { source?: string }).source ?? consumer.kind,
      consumer,
    }));
  }

  async add(d: ConsumerInfo): Promise<void> {
    if (this.consumers.has(d.consumerId) || this.pending.has(d.consumerId)) return;
    this.pending.add(d.consumerId);
    try {
      await this.consume(d);
    } finally {
      this.pending.delete(d.consumerId);
      this.early.delete(d.consumerId);
    }
  }

  private async consume(d: ConsumerInfo): Promise<void> {
    const recv = await this.transports.whenRecv();
    if (!recv || recv.closed) return;
    let consumer: Consumer;
    try {
      consumer = await recv.consume({
        id: d.consumerId,
        producerId: d.producerId,
        kind: d.kind,
        rtpParameters: d.rtpParameters as unknown as RtpParameters,
        // One MediaStream id per peer lets the browser lip-sync its audio and video.
        streamId: `${d.peerId}-${d.source === "screen" ? "screen" : "av"}`,
        appData: { peerId: d.peerId, source: d.source },
      });
    } catch (err) {
      console.error("[room] consume failed", d, err);
      return;
    }
    const early = this.early.get(d.consumerId);
    if (early === "closed" || recv.closed) {
      consumer.close();
      return;
    }
    this.consumers.set(consumer.id, { consumer, peerId: d.peerId });
    this.mark(`consumed:${d.kind}`);
    // a remote track is muted until its first packets arrive: that is "first media"
    const track = consumer.track;
    if (!track.muted) this.mark(`firstMedia:${d.kind}`);
    else track.addEventListener("unmute", () => this.mark(`firstMedia:${d.kind}`), { once: true });
    // The server created it paused so no packet is lost before we are ready.
    this.signal("resumeConsumer", { consumerId: consumer.id }).catch((err) => {
      console.warn("[room] resumeConsumer failed", err);
    });
    const media: RemoteMedia = {
      consumerId: consumer.id,
      producerId: d.producerId,
      peerId: d.peerId,
      kind: d.kind,
      source: d.source,
      track: consumer.track,
      stream: new MediaStream([consumer.track]),
      paused: early ? early === "paused" : d.producerPaused,
    };
    this.dispatch({ type: "mediaAdded", media });
  }

  /** The remote producer closed (or the server dropped the consumer). */
  remove(consumerId: string): void {
    const entry = this.consumers.get(consumerId);
    if (!entry) {
      if (this.pending.has(consumerId)) this.early.set(consumerId, "closed");
      return;
    }
    this.consumers.delete(consumerId);
    entry.consumer.close();
    this.dispatch({ type: "mediaRemoved", consumerIds: [consumerId] });
  }

  setPaused(consumerId: string, paused: boolean): void {
    if (!this.consumers.has(consumerId)) {
      if (this.pending.has(consumerId) && this.early.get(consumerId) !== "closed") {
        this.early.set(consumerId, paused ? "paused" : "resumed");
      }
      return;
    }
    this.dispatch({ type: "mediaPaused", consumerId, paused });
  }

  /** Closes the consumers of a peer that left (the reducer drops its media). */
  removePeer(peerId: string): void {
    for (const [id, entry] of this.consumers) {
      if (entry.peerId !== peerId) continue;
      entry.consumer.close();
      this.consumers.delete(id);
    }
  }

  /** After a resume: keep what the server still has, drop the rest, consume what is new. */
  reconcile(list: ConsumerInfo[]): Promise<void> {
    const listed = new Map(list.map((c) => [c.consumerId, c]));
    const gone: string[] = [];
    for (const [id, entry] of this.consumers) {
      if (listed.has(id)) continue;
      entry.consumer.close();
      this.consumers.delete(id);
      gone.push(id);
    }
    if (gone.length) this.dispatch({ type: "mediaRemoved", consumerIds: gone });
    const jobs: Promise<void>[] = [];
    for (const info of listed.values()) {
      if (this.consumers.has(info.consumerId)) this.setPaused(info.consumerId, info.producerPaused);
      else jobs.push(this.add(info));
    }
    return Promise.all(jobs).then(() => undefined);
  }

  /** Resolves once `count` consumers exist, or after `timeoutMs`. */
  waitFor(count: number, timeoutMs: number, subscribe: (fn: () => void) => () => void): Promise<void> {
    if (this.consumers.size >= count) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const unsubscribe = subscribe(() => {
        if (this.consumers.size >= count) done();
      });
      function done() {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      }
    });
  }

  /** Resolves once a consumed video track has media (its first packets arrived), or after `timeoutMs`. */
  firstVideo(timeoutMs: number): Promise<void> {
    const tracks = [...this.consumers.values()].map((e) => e.consumer.track).filter((t) => t.kind === "video");
    if (tracks.length === 0 || tracks.some((t) => !t.muted) || timeoutMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        for (const t of tracks) t.removeEventListener("unmute", done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      for (const t of tracks) t.addEventListener("unmute", done);
    });
  }

  /** Everything goes (leave, a full rejoin, media reset). */
  clear(): void {
    for (const { consumer } of this.consumers.values()) consumer.close();
    this.consumers.clear();
    for (const id of this.pending) this.early.set(id, "closed");
    this.dispatch({ type: "mediaCleared" });
  }
}
