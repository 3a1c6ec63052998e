// The media half of a room: WebRtcTransports, producers and consumers of its peers, on the
// room's routers (one per worker it spans; a peer's transports live on its home router and
// producers from other routers are piped in for its consumers). Consumers are created paused
// and resumed by their client once it is ready (mediasoup-demo's pattern), so no packet is
// lost before the browser can decode; from then on the layer control keeps each one on the
// layers its viewer's tile needs, paused while nobody can see it, and dynacast tells the
// publishers what nobody needs.
import type { types as ms } from "mediasoup";
import type { ConsumerView, NotificationData, ParsedRequestData, ResponseData } from "../../lib/signaling/protocol";
import type { Logger } from "../logger";
import { ActiveSpeakers } from "./active-speaker";
import { Dynacast } from "./dynacast";
import { fail, RequestError } from "./errors";
import { LayerControl } from "./layer-control";
import { producerLayers } from "./layer-policy";
import type { ConsumerAppData, Peer, ProducerAppData, TransportAppData } from "./peer";
import type { LocalRoomRouter } from "./room-router";
import type { RoomRouters } from "./room-routers";
import { ingestTransportFor } from "./ingest";

export const MAX_PRODUCERS_PER_PEER = 4;

/**
 * Bandwidth: what the SFU assumes towards a viewer before its estimate exists (mediasoup-demo
 * uses 1 Mbit/s; a little less keeps a first burst from flooding a slow downlink) and the most
 * a publisher is asked to send (camera simulcast ≈ 2 Mbit/s + a screen share ≈ 2.5 Mbit/s).
 */
export const INITIAL_OUTGOING_BITRATE = 800_000;
export const MAX_INCOMING_BITRATE = 5_000_000;

/** Creating a transport retries this often when its router's worker died under it. */
const TRANSPORT_ATTEMPTS = 20;

const SOURCE_KINDS: Record<ProducerAppData["source"], ReadonlyArray<ms.MediaKind>> = {
  mic: ["audio"],
  camera: ["video"],
  screen: ["video", "audio"],
};

/** What the media handlers need from their room. */
export interface MediaRoom {
  readonly routers: RoomRouters;
  readonly peers: ReadonlyMap<string, Peer>;
  joinedPeers(): Peer[];
  readonly log: Logger;
}

/** Maps an error thrown by mediasoup while applying client-given parameters to a reply. */
export function clientParamError(what: string, err: unknown): RequestError {
  if (err instanceof RequestError) return err;
  const e = err as Error;
  const message = `${what} failed: ${String(e?.message ?? e).slice(0, 200)}`;
  return new RequestError(e?.name === "UnsupportedError" ? "UNSUPPORTED" : "BAD_REQUEST", message);
}

export class RoomMedia {
  readonly layers: LayerControl;
  readonly dynacast = new Dynacast();
  readonly speakers: ActiveSpeakers;

  constructor(private readonly room: MediaRoom) {
    this.speakers = new ActiveSpeakers(room.routers, {
      log: room.log,
      mics: () =>
        room
          .joinedPeers()
          .flatMap((p) =>
            p.router ? [...p.producers.values()].filter((pr) => pr.kind === "audio").map((producer) => ({ producer, home: p.router! })) : [],
          ),
      dominantChanged: (previous, next) => {
        this.layers.activeSpeakerChanged(previous, next, room.peers.values());
        for (const p of room.joinedPeers()) p.notify("activeSpeaker", { peerId: next });
      },
      speakingChanged: (peerIds) => {
        for (const p of room.joinedPeers()) p.notify("speakingPeers", { peerIds });
      },
    });
    this.layers = new LayerControl({
      log: room.log,
      activeSpeaker: () => this.speakers.dominant,
      demandChanged: (consumer) => this.dynacast.changed(consumer),
    });
  }

  close(): void {
    this.speakers.close();
    this.dynacast.close();
  }

  /** Peers homed on `router` (for the placement policy). */
  private peersOn(router: LocalRoomRouter): number {
    let n = 0;
    for (const p of this.room.peers.values()) if (p.router === router) n++;
    return n;
  }

  // ---- transports -----------------------------------------------------------------------

  async createTransport(peer: Peer, data: ParsedRequestData<"createTransport">): Promise<ResponseData<"createTransport">> {
    const { direction } = data;
    const existing = peer.transport(direction);
    if (existing) {
      fail("BAD_REQUEST", `a ${direction} transport already exists (${existing.id}); use restartIce`);
    }
    const { transport, home } = await this.newTransport(peer, direction);
    if (peer.closed || peer.transport(direction) || home.closed) {
      transport.close();
      fail("NOT_FOUND", "peer left while the transport was being created");
    }
    peer.router = home;
    peer.transports.set(transport.id, transport);
    transport.observer.once("close", () => {
      peer.transports.delete(transport.id);
      peer.brokenTransports.delete(transport.id);
    });
    // A new path (the client's address changed, or its ICE restarted): whatever was in
    // flight is lost, so ask for key frames now instead of waiting for the browsers' PLIs;
    // a publisher's viewers start again from its smallest layer (LayerControl).
    let hadPath = false;
    transport.on("iceselectedtuplechange", () => {
      if (hadPath && direction === "send") this.layers.publisherPathChanged(peer.id);
      hadPath = true;
      this.requestKeyFrames(peer, direction);
    });
    transport.on("icestatechange", (state) => {
      if (state === "disconnected" || state === "closed") peer.brokenTransports.add(transport.id);
      else if (state === "connected" || state === "completed") peer.brokenTransports.delete(transport.id);
    });
    transport.on("dtlsstatechange", (state) => {
      if (state === "failed" || state === "closed") {
        peer.brokenTransports.add(transport.id);
        this.room.log.warn({ peer: peer.id, transport: transport.id, state }, "transport DTLS state");
      } else if (state === "connected") {
        peer.brokenTransports.delete(transport.id);
      }
    });
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters as ResponseData<"createTransport">["dtlsParameters"],
    };
  }

  /** The peer's home router, placed now if it has none (ingest bots, whose transports are plain). */
  async homeRouter(peer: Peer): Promise<LocalRoomRouter> {
    if (peer.router && !peer.router.closed) return peer.router;
    const home = await this.room.routers.place(this.room.peers.size, (r) => this.peersOn(r));
    if (!peer.closed) peer.router = home;
    return home;
  }

  /**
   * A transport on the peer's home router (placed now if it has none). Retries on another
   * placement when the router's worker died under it (every worker killed at once: the
   * first live-looking one may be the next to go).
   */
  private async newTransport(
    peer: Peer,
    direction: TransportAppData["direction"],
  ): Promise<{ transport: ms.WebRtcTransport<TransportAppData>; home: LocalRoomRouter }> {
    let lastError: unknown = null;
    for (let attempt = 0; attempt < TRANSPORT_ATTEMPTS; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1_000, 50 * attempt)));
      if (peer.closed) break;
      const home =
        peer.router && !peer.router.closed
          ? peer.router
          : await this.room.routers.place(this.room.peers.size, (r) => this.peersOn(r));
      try {
        const transport = await home.router.createWebRtcTransport<TransportAppData>({
          webRtcServer: home.webRtcServer,
          enableUdp: true,
          enableTcp: true,
          preferUdp: true,
          initialAvailableOutgoingBitrate: INITIAL_OUTGOING_BITRATE,
          appData: { peerId: peer.id, direction },
        });
        if (direction === "send") await transport.setMaxIncomingBitrate(MAX_INCOMING_BITRATE).catch(() => undefined);
        return { transport, home };
      } catch (err) {
        lastError = err;
        if (!home.closed) throw err;
        if (peer.router === home) peer.router = null;
      }
    }
    throw lastError instanceof Error ? lastError : new RequestError("NOT_FOUND", "peer left while the transport was being created");
  }

  async connectTransport(peer: Peer, data: ParsedRequestData<"connectTransport">): Promise<void> {
    const transport = this.ownTransport(peer, data.transportId);
    try {
      await transport.connect({ dtlsParameters: data.dtlsParameters as unknown as ms.DtlsParameters });
    } catch (err) {
      throw clientParamError("connectTransport", err);
    }
  }

  async restartIce(peer: Peer, transportId: string): Promise<ResponseData<"restartIce">> {
    const transport = this.ownTransport(peer, transportId);
    return { iceParameters: await transport.restartIce() };
  }

  // ---- producers ------------------------------------------------------------------------

  async produce(peer: Peer, data: ParsedRequestData<"produce">): Promise<ms.Producer<ProducerAppData>> {
    if (!peer.joined) fail("NOT_JOINED", "produce needs join first");
    // an ingest bot's PlainTransport (server/rooms/ingest.ts), else the WebRTC send transport
    const transport: ms.Transport =
      ingestTransportFor(peer, data.transportId, data.kind) ?? this.sendTransportOf(peer, data.transportId);
    if (!SOURCE_KINDS[data.source].includes(data.kind)) {
      fail("BAD_REQUEST", `source "${data.source}" cannot carry ${data.kind}`);
    }
    for (const p of peer.producers.values()) {
      if (p.appData.source === data.source && p.kind === data.kind) {
        fail("BAD_REQUEST", `already producing ${data.kind} from "${data.source}" (${p.id}); close it first`);
      }
    }
    if (peer.producers.size >= MAX_PRODUCERS_PER_PEER) {
      fail("BAD_REQUEST", `at most ${MAX_PRODUCERS_PER_PEER} producers per participant`);
    }
    const rtpParameters = data.rtpParameters as unknown as ms.RtpParameters;
    const layers = data.kind === "video" ? producerLayers(rtpParameters.encodings ?? [], data.videoLayers) : undefined;
    let producer: ms.Producer<ProducerAppData>;
    try {
      producer = await transport.produce<ProducerAppData>({
        kind: data.kind,
        rtpParameters,
        paused: data.paused ?? false,
        appData: { peerId: peer.id, source: data.source, ...(layers ? { layers } : {}) },
      });
    } catch (err) {
      throw clientParamError("produce", err);
    }
    if (peer.closed || !peer.joined) {
      producer.close();
      fail("NOT_JOINED", "left while producing");
    }
    peer.producers.set(producer.id, producer);
    peer.producerMedia.set(producer.id, { lastByteCount: -1, lastChangeAt: Date.now() });
    producer.observer.once("close", () => {
      peer.producers.delete(producer.id);
      peer.producerMedia.delete(producer.id);
    });
    this.room.log.info(
      { peer: peer.id, producer: producer.id, kind: producer.kind, source: data.source, layers: layers?.sizes.length },
      "producer created",
    );
    this.dynacast.addProducer(peer, producer);
    if (producer.kind === "audio" && peer.router) void this.speakers.addMic(producer, peer.router);
    return producer;
  }

  /** Gives every other joined peer a consumer of `producer` (after the produce reply). */
  async fanOutProducer(peer: Peer, producer: ms.Producer<ProducerAppData>): Promise<void> {
    await Promise.all(
      this.room
        .joinedPeers()
        .filter((other) => other !== peer)
        .map((other) => this.createConsumer(other, peer, producer)),
    );
  }

  closeProducer(peer: Peer, producerId: string): void {
    const producer = this.ownProducer(peer, producerId);
    producer.close(); // consumers get "producerclose" -> consumerClosed notifications
    peer.producers.delete(producer.id);
  }

  async pauseProducer(peer: Peer, producerId: string): Promise<void> {
    await this.ownProducer(peer, producerId).pause();
  }

  async resumeProducer(peer: Peer, producerId: string): Promise<void> {
    const producer = this.ownProducer(peer, producerId);
    await producer.resume();
    const media = peer.producerMedia.get(producer.id);
    if (media) media.lastChangeAt = Date.now();
  }

  // ---- consumers ------------------------------------------------------------------------

  /** The client's consumer is ready: resumed (with a key frame) unless its tile is hidden. */
  async resumeConsumer(peer: Peer, consumerId: string): Promise<void> {
    await this.layers.ready(this.ownConsumer(peer, consumerId));
  }

  /** A viewer says how it shows its videos (per-viewer layers). */
  async updateConsumerViews(peer: Peer, views: ReadonlyArray<ConsumerView>): Promise<void> {
    await this.layers.updateViews(peer, views);
  }

  async setConsumerPreferredLayers(peer: Peer, data: ParsedRequestData<"setConsumerPreferredLayers">): Promise<void> {
    const consumer = this.ownConsumer(peer, data.consumerId);
    const { spatialLayer, temporalLayer } = data;
    try {
      await consumer.setPreferredLayers(temporalLayer === undefined ? { spatialLayer } : { spatialLayer, temporalLayer });
    } catch (err) {
      throw clientParamError("setConsumerPreferredLayers", err);
    }
  }

  /** The "update" step: give `peer` a consumer for every producer of every other joined peer. */
  async consumeAllFor(peer: Peer): Promise<void> {
    if (!peer.joined || !peer.recvTransport) return;
    const jobs: Promise<void>[] = [];
    for (const other of this.room.joinedPeers()) {
      if (other === peer) continue;
      for (const producer of other.producers.values()) jobs.push(this.createConsumer(peer, other, producer));
    }
    await Promise.all(jobs);
  }

  /** What `newConsumer` said (or would say) about one of `peer`'s consumers. */
  consumerInfo(consumer: ms.Consumer<ConsumerAppData>): NotificationData<"newConsumer"> {
    return {
      peerId: consumer.appData.producerPeerId,
      producerId: consumer.producerId,
      consumerId: consumer.id,
      kind: consumer.kind,
      source: consumer.appData.source,
      rtpParameters: consumer.rtpParameters as unknown as NotificationData<"newConsumer">["rtpParameters"],
      producerPaused: consumer.producerPaused,
    };
  }

  private async createConsumer(
    consumerPeer: Peer,
    producerPeer: Peer,
    producer: ms.Producer<ProducerAppData>,
  ): Promise<void> {
    if (consumerPeer === producerPeer || producer.appData.peerId === consumerPeer.id) return;
    const transport = consumerPeer.recvTransport;
    const rtpCapabilities = consumerPeer.rtpCapabilities;
    if (!consumerPeer.joined || consumerPeer.closed || producer.closed || !transport || !rtpCapabilities) return;
    if (consumerPeer.consumedProducerIds.has(producer.id)) return;
    const home = consumerPeer.router;
    const source = producerPeer.router;
    if (!home || !source || home.closed || source.closed) return; // a worker died: media is set up again
    // reserved from here on (no second consumer of the same producer); released on failure
    consumerPeer.consumedProducerIds.add(producer.id);
    const release = () => consumerPeer.consumedProducerIds.delete(producer.id);
    try {
      // rooms across cores: the producer lives on another router of the room
      await this.room.routers.ensureProducerOn(home, source, producer.id);
    } catch {
      release();
      return; // logged by the router; the producer or a router went away
    }
    const router = home.router;
    if (router.closed || transport.closed || producer.closed || consumerPeer.closed) return void release();
    if (!router.canConsume({ producerId: producer.id, rtpCapabilities })) {
      release();
      this.room.log.debug(
        { peer: consumerPeer.id, producer: producer.id },
        "peer cannot consume producer (codec/capabilities mismatch); skipped",
      );
      return;
    }
    let consumer: ms.Consumer<ConsumerAppData>;
    try {
      consumer = await transport.consume<ConsumerAppData>({
        producerId: producer.id,
        rtpCapabilities,
        paused: true, // resumed when the client says its consumer is ready
        appData: {
          peerId: consumerPeer.id,
          producerPeerId: producerPeer.id,
          source: producer.appData.source,
          ...(producer.appData.layers ? { layers: producer.appData.layers } : {}),
        },
      });
    } catch (err) {
      release();
      if (!producer.closed && !transport.closed) {
        this.room.log.warn({ err, peer: consumerPeer.id, producer: producer.id }, "consume failed");
      }
      return;
    }
    if (consumerPeer.closed || !consumerPeer.joined || transport.closed || producer.closed || consumer.closed) {
      consumerPeer.consumedProducerIds.delete(producer.id);
      consumer.close();
      return;
    }
    consumerPeer.consumers.set(consumer.id, consumer);
    consumer.observer.once("close", () => {
      consumerPeer.consumers.delete(consumer.id);
      consumerPeer.consumedProducerIds.delete(producer.id);
    });
    consumer.on("producerclose", () => consumerPeer.notify("consumerClosed", { consumerId: consumer.id }));
    consumer.on("producerpause", () => consumerPeer.notify("consumerPaused", { consumerId: consumer.id }));
    consumer.on("producerresume", () => consumerPeer.notify("consumerResumed", { consumerId: consumer.id }));
    await this.layers.init(consumer);
    this.dynacast.addConsumer(consumer);
    if (consumer.closed) return;
    // A peer in its grace period misses this; its resume snapshot lists the consumer.
    consumerPeer.notify("newConsumer", this.consumerInfo(consumer));
  }

  /**
   * Key frames for what `peer` receives (`recv`), or for everyone receiving `peer`'s video
   * (`send`) — after its path changed or its connection came back, so pictures return at
   * once rather than after the decoders give up on the gap.
   */
  requestKeyFrames(peer: Peer, direction: "send" | "recv" | "both" = "both"): void {
    const ask = (c: ms.Consumer) => {
      if (c.kind === "video" && !c.closed && !c.paused) c.requestKeyFrame().catch(() => undefined);
    };
    if (direction !== "send") for (const c of peer.consumers.values()) ask(c);
    if (direction !== "recv") {
      for (const other of this.room.peers.values()) {
        if (other === peer) continue;
        for (const c of other.consumers.values()) if (c.appData.producerPeerId === peer.id) ask(c);
      }
    }
  }

  // ---- ownership checks -------------------------------------------------------------------

  ownTransport(peer: Peer, id: string): ms.WebRtcTransport<TransportAppData> {
    const t = peer.transports.get(id);
    if (t) return t;
    for (const other of this.room.peers.values()) {
      if (other.transports.has(id) || other.plainTransports.has(id)) {
        fail("FORBIDDEN", "that transport belongs to another participant");
      }
    }
    return fail("NOT_FOUND", `no transport "${id}"`);
  }

  private sendTransportOf(peer: Peer, id: string): ms.WebRtcTransport<TransportAppData> {
    const transport = this.ownTransport(peer, id);
    if (transport.appData.direction !== "send") {
      fail("BAD_REQUEST", "produce needs the send transport, not the recv transport");
    }
    return transport;
  }

  ownProducer(peer: Peer, id: string): ms.Producer<ProducerAppData> {
    const p = peer.producers.get(id);
    if (p) return p;
    for (const other of this.room.peers.values()) {
      if (other.producers.has(id)) fail("FORBIDDEN", "that producer belongs to another participant");
    }
    return fail("NOT_FOUND", `no producer "${id}"`);
  }

  ownConsumer(peer: Peer, id: string): ms.Consumer<ConsumerAppData> {
    const c = peer.consumers.get(id);
    if (c) return c;
    for (const other of this.room.peers.values()) {
      if (other.consumers.has(id)) fail("FORBIDDEN", "that consumer belongs to another participant");
    }
    return fail("NOT_FOUND", `no consumer "${id}"`);
  }
}
