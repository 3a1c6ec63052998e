// A Room owns one mediasoup Router (on one worker), its peers and the handling of their
// requests (modelled on mediasoup-demo's server Room). Pre-joined peers (sockets that only
// fetched router capabilities, maybe created transports) count as members but are
// invisible to others; joined peers see each other and consume each other's producers.
import { EventEmitter } from "node:events";
import type { types as ms } from "mediasoup";
import type {
  NotificationData,
  ParsedRequest,
  ParsedRequestData,
  PeerQuality,
  ResponseData,
} from "../../lib/signaling/protocol";
import { fractionLostToPercent, NO_MEDIA_TIMEOUT_MS, qualityLevel } from "../../lib/quality/level";
import type { Logger } from "../logger";
import type { WorkerEntry } from "../sfu/worker-pool";
import { mediaCodecs } from "../sfu/media-codecs";
import { fail, RequestError } from "./errors";
import type { ConsumerAppData, Peer, ProducerAppData, TransportAppData } from "./peer";
import { notifyObserver, type RoomObserver } from "./room-observer";

export const QUALITY_INTERVAL_MS = 2_000;
/** WebSocket close code sent to peers when their room is torn down (worker died, shutdown). */
export const CLOSE_ROOM_CLOSED = 4000;
const MAX_PRODUCERS_PER_PEER = 4;

/** Room-level requests (everything except getRouterRtpCapabilities, which the connection answers). */
export type RoomRequest = Exclude<ParsedRequest, { method: "getRouterRtpCapabilities" }>;
export type Respond<M extends RoomRequest["method"]> = (data: ResponseData<M>) => void;

export type RoomOptions = {
  roomId: string;
  worker: WorkerEntry;
  maxPeers: number;
  observer: RoomObserver;
  logger: Logger;
  qualityIntervalMs?: number;
};

type RoomEvents = { close: [reason: string] };

/** Maps an error thrown by mediasoup while applying client-given parameters to a reply. */
function clientParamError(what: string, err: unknown): RequestError {
  if (err instanceof RequestError) return err;
  const e = err as Error;
  const message = `${what} failed: ${String(e?.message ?? e).slice(0, 200)}`;
  return new RequestError(e?.name === "UnsupportedError" ? "UNSUPPORTED" : "BAD_REQUEST", message);
}

const SOURCE_KINDS: Record<ProducerAppData["source"], ReadonlyArray<ms.MediaKind>> = {
  mic: ["audio"],
  camera: ["video"],
  screen: ["video", "audio"],
};

export class Room extends EventEmitter<RoomEvents> {
  readonly roomId: string;
  readonly router: ms.Router;
  readonly webRtcServer: ms.WebRtcServer;
  readonly workerIndex: number;
  /** Every peer bound to this room, joined or not. */
  readonly peers = new Map<string, Peer>();
  closed = false;
  readonly createdAt = new Date();

  private readonly maxPeers: number;
  private readonly observer: RoomObserver;
  private readonly log: Logger;
  private readonly qualityTimer: NodeJS.Timeout;
  private qualityRunning = false;
  private rttConsumerCursor = 0;

  static async create(options: RoomOptions): Promise<Room> {
    const router = await options.worker.worker.createRouter({
      mediaCodecs,
      appData: { roomId: options.roomId },
    });
    return new Room(options, router);
  }

  private constructor(options: RoomOptions, router: ms.Router) {
    super();
    this.roomId = options.roomId;
    this.router = router;
    this.webRtcServer = options.worker.webRtcServer;
    this.workerIndex = options.worker.index;
    this.maxPeers = options.maxPeers;
    this.observer = options.observer;
    this.log = options.logger.child({ room: options.roomId, worker: options.worker.index });
    router.on("workerclose", () => this.close("media worker closed"));
    this.qualityTimer = setInterval(() => {
      void this.sampleQuality();
    }, options.qualityIntervalMs ?? QUALITY_INTERVAL_MS);
    this.qualityTimer.unref();
    this.log.info("room created");
  }

  get routerRtpCapabilities(): ms.RtpCapabilities {
    return this.router.rtpCapabilities;
  }

  joinedPeers(): Peer[] {
    return [...this.peers.values()].filter((p) => p.joined);
  }

  /** Adds a (not yet joined) peer: pre-join warm-up. */
  bind(peer: Peer): void {
    if (this.closed) fail("INTERNAL", "room is closing; retry");
    if (this.peers.has(peer.id)) return;
    // bound-but-not-joined sockets can create transports; cap them so a room can't be flooded
    if (this.peers.size >= this.maxPeers * 2) {
      fail("ROOM_FULL", `room is full (${this.maxPeers} participants)`);
    }
    this.peers.set(peer.id, peer);
  }

  /** Removes a peer (leave, socket closed): frees its transports, tells the others. */
  removePeer(peer: Peer): void {
    if (!this.peers.has(peer.id)) return;
    this.peers.delete(peer.id);
    const wasJoined = peer.joined;
    peer.close();
    if (wasJoined) {
      this.log.info({ peer: peer.id, left: this.joinedPeers().length }, "peer left");
      for (const other of this.joinedPeers()) other.notify("peerLeft", { peerId: peer.id });
      notifyObserver(this.observer, this.log, "peerLeft", this.roomId, peer);
    }
    if (this.peers.size === 0) this.close("empty");
  }

  /** Closes the router and every transport; peers still connected are disconnected. */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.qualityTimer);
    const peers = [...this.peers.values()];
    this.peers.clear();
    for (const peer of peers) {
      const wasJoined = peer.joined;
      peer.close();
      try {
        peer.sink.close(CLOSE_ROOM_CLOSED, `room closed: ${reason}`.slice(0, 120));
      } catch {
        // socket already gone
      }
      if (wasJoined) notifyObserver(this.observer, this.log, "peerLeft", this.roomId, peer);
    }
    if (!this.router.closed) this.router.close();
    this.log.info({ reason, disconnected: peers.length }, "room closed");
    notifyObserver(this.observer, this.log, "roomClosed", this.roomId);
    this.emit("close", reason);
  }

  // ---- requests ---------------------------------------------------------------------------

  /**
   * Handles one request from `peer`. Calls `respond` exactly once on success (possibly
   * followed by more work, e.g. creating consumers after the reply), or throws a
   * RequestError (or any error, which becomes INTERNAL) before responding.
   */
  async handleRequest(peer: Peer, request: RoomRequest, respond: (data: unknown) => void): Promise<void> {
    if (this.closed) fail("INTERNAL", "room is closing; reconnect");
    if (!this.peers.has(peer.id)) fail("NOT_JOINED", "not in this room");
    switch (request.method) {
      case "join":
        return this.join(peer, request.data, respond);
      case "createTransport":
        return this.createTransport(peer, request.data, respond);
      case "connectTransport": {
        const transport = this.ownTransport(peer, request.data.transportId);
        try {
          await transport.connect({
            dtlsParameters: request.data.dtlsParameters as unknown as ms.DtlsParameters,
          });
        } catch (err) {
          throw clientParamError("connectTransport", err);
        }
        return respond({});
      }
      case "produce":
        return this.produce(peer, request.data, respond);
      case "closeProducer": {
        const producer = this.ownProducer(peer, request.data.producerId);
        producer.close(); // consumers get "producerclose" -> consumerClosed notifications
        peer.producers.delete(producer.id);
        return respond({});
      }
      case "pauseProducer": {
        const producer = this.ownProducer(peer, request.data.producerId);
        await producer.pause();
        return respond({});
      }
      case "resumeProducer": {
        const producer = this.ownProducer(peer, request.data.producerId);
        await producer.resume();
        const media = peer.producerMedia.get(producer.id);
        if (media) media.lastChangeAt = Date.now();
        return respond({});
      }
      case "resumeConsumer": {
        const consumer = this.ownConsumer(peer, request.data.consumerId);
        await consumer.resume();
        respond({});
        if (consumer.kind === "video" && !consumer.closed) {
          consumer.requestKeyFrame().catch(() => undefined);
        }
        return;
      }
      case "setConsumerPreferredLayers": {
        const consumer = this.ownConsumer(peer, request.data.consumerId);
        const { spatialLayer, temporalLayer } = request.data;
        try {
          await consumer.setPreferredLayers(
            temporalLayer === undefined ? { spatialLayer } : { spatialLayer, temporalLayer },
          );
        } catch (err) {
          throw clientParamError("setConsumerPreferredLayers", err);
        }
        return respond({});
      }
      case "restartIce": {
        const transport = this.ownTransport(peer, request.data.transportId);
        const iceParameters = await transport.restartIce();
        return respond({ iceParameters });
      }
      case "leave":
        respond({});
        this.removePeer(peer);
        return;
      default: {
        const never: never = request;
        fail("UNKNOWN_METHOD", `unknown method "${(never as { method: string }).method}"`);
      }
    }
  }

  private async join(
    peer: Peer,
    data: ParsedRequestData<"join">,
    respond: Respond<"join">,
  ): Promise<void> {
    if (peer.joined) fail("ALREADY_JOINED", "already joined this room");
    if (this.joinedPeers().length >= this.maxPeers) {
      fail("ROOM_FULL", `room is full (${this.maxPeers} participants)`);
    }
    peer.displayName = data.displayName;
    peer.rtpCapabilities = data.rtpCapabilities as unknown as ms.RtpCapabilities;
    peer.joined = true;
    peer.joinedAt = new Date();
    const others = this.joinedPeers().filter((p) => p !== peer);
    respond({
      peerId: peer.id,
      isHost: peer.identity.isHost,
      routerRtpCapabilities: this.routerRtpCapabilities as ResponseData<"join">["routerRtpCapabilities"],
      peers: others.map((p) => p.info()),
    });
    this.log.info(
      { peer: peer.id, participant: peer.identity.participantKey, joined: others.length + 1 },
      "peer joined",
    );
    const info = peer.info();
    for (const other of others) other.notify("peerJoined", { peer: info });
    notifyObserver(this.observer, this.log, "peerJoined", this.roomId, peer);
    await this.consumeAllFor(peer);
  }

  private async createTransport(
    peer: Peer,
    data: ParsedRequestData<"createTransport">,
    respond: Respond<"createTransport">,
  ): Promise<void> {
    const { direction } = data;
    const existing = peer.transport(direction);
    if (existing) {
      fail("BAD_REQUEST", `a ${direction} transport already exists (${existing.id}); use restartIce`);
    }
    const transport = await this.router.createWebRtcTransport<TransportAppData>({
      webRtcServer: this.webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: 1_000_000,
      appData: { peerId: peer.id, direction },
    });
    if (peer.closed || this.closed || peer.transport(direction)) {
      transport.close();
      fail("NOT_FOUND", "peer left while the transport was being created");
    }
    peer.transports.set(transport.id, transport);
    transport.observer.once("close", () => {
      peer.transports.delete(transport.id);
      peer.brokenTransports.delete(transport.id);
    });
    transport.on("icestatechange", (state) => {
      if (state === "disconnected" || state === "closed") peer.brokenTransports.add(transport.id);
      else if (state === "connected" || state === "completed") peer.brokenTransports.delete(transport.id);
    });
    transport.on("dtlsstatechange", (state) => {
      if (state === "failed" || state === "closed") {
        peer.brokenTransports.add(transport.id);
        this.log.warn({ peer: peer.id, transport: transport.id, state }, "transport DTLS state");
      } else if (state === "connected") {
        peer.brokenTransports.delete(transport.id);
      }
    });
    respond({
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters as ResponseData<"createTransport">["dtlsParameters"],
    });
    if (direction === "recv" && peer.joined) await this.consumeAllFor(peer);
  }

  private async produce(
    peer: Peer,
    data: ParsedRequestData<"produce">,
    respond: Respond<"produce">,
  ): Promise<void> {
    if (!peer.joined) fail("NOT_JOINED", "produce needs join first");
    const transport = this.ownTransport(peer, data.transportId);
    if (transport.appData.direction !== "send") {
      fail("BAD_REQUEST", "produce needs the send transport, not the recv transport");
    }
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
    let producer: ms.Producer<ProducerAppData>;
    try {
      producer = await transport.produce<ProducerAppData>({
        kind: data.kind,
        rtpParameters: data.rtpParameters as unknown as ms.RtpParameters,
        paused: data.paused ?? false,
        appData: { peerId: peer.id, source: data.source },
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
    this.log.info(
      { peer: peer.id, producer: producer.id, kind: producer.kind, source: data.source },
      "producer created",
    );
    respond({ producerId: producer.id });
    await Promise.all(
      this.joinedPeers()
        .filter((other) => other !== peer)
        .map((other) => this.createConsumer(other, peer, producer)),
    );
  }

  // ---- consumers ----------------------------------------------------------------------------

  /** The "update" step: give `peer` a consumer for every producer of every other joined peer. */
  private async consumeAllFor(peer: Peer): Promise<void> {
    if (!peer.joined || !peer.recvTransport) return;
    const jobs: Promise<void>[] = [];
    for (const other of this.joinedPeers()) {
      if (other === peer) continue;
      for (const producer of other.producers.values()) {
        jobs.push(this.createConsumer(peer, other, producer));
      }
    }
    await Promise.all(jobs);
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
    if (!this.router.canConsume({ producerId: producer.id, rtpCapabilities })) {
      this.log.debug(
        { peer: consumerPeer.id, producer: producer.id },
        "peer cannot consume producer (codec/capabilities mismatch); skipped",
      );
      return;
    }
    consumerPeer.consumedProducerIds.add(producer.id);
    let consumer: ms.Consumer<ConsumerAppData>;
    try {
      consumer = await transport.consume<ConsumerAppData>({
        producerId: producer.id,
        rtpCapabilities,
        paused: true, // resumed when the client says its consumer is ready
        appData: { peerId: consumerPeer.id, producerPeerId: producerPeer.id, source: producer.appData.source },
      });
    } catch (err) {
      consumerPeer.consumedProducerIds.delete(producer.id);
      if (!producer.closed && !transport.closed) {
        this.log.warn({ err, peer: consumerPeer.id, producer: producer.id }, "consume failed");
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
    consumer.on("producerclose", () => {
      consumerPeer.notify("consumerClosed", { consumerId: consumer.id });
    });
    consumer.on("producerpause", () => consumerPeer.notify("consumerPaused", { consumerId: consumer.id }));
    consumer.on("producerresume", () => consumerPeer.notify("consumerResumed", { consumerId: consumer.id }));
    consumerPeer.notify("newConsumer", {
      peerId: producerPeer.id,
      producerId: producer.id,
      consumerId: consumer.id,
      kind: consumer.kind,
      source: producer.appData.source,
      rtpParameters: consumer.rtpParameters as unknown as NotificationData<"newConsumer">["rtpParameters"],
      producerPaused: consumer.producerPaused,
    });
  }

  // ---- ownership checks -----------------------------------------------------------------------

  private ownTransport(peer: Peer, id: string): ms.WebRtcTransport<TransportAppData> {
    const t = peer.transports.get(id);
    if (t) return t;
    for (const other of this.peers.values()) {
      if (other.transports.has(id)) fail("FORBIDDEN", "that transport belongs to another participant");
    }
    return fail("NOT_FOUND", `no transport "${id}"`);
  }

  private ownProducer(peer: Peer, id: string): ms.Producer<ProducerAppData> {
    const p = peer.producers.get(id);
    if (p) return p;
    for (const other of this.peers.values()) {
      if (other.producers.has(id)) fail("FORBIDDEN", "that producer belongs to another participant");
    }
    return fail("NOT_FOUND", `no producer "${id}"`);
  }

  private ownConsumer(peer: Peer, id: string): ms.Consumer<ConsumerAppData> {
    const c = peer.consumers.get(id);
    if (c) return c;
    for (const other of this.peers.values()) {
      if (other.consumers.has(id)) fail("FORBIDDEN", "that consumer belongs to another participant");
    }
    return fail("NOT_FOUND", `no consumer "${id}"`);
  }

  // ---- quality ---------------------------------------------------------------------------------

  /** One round of quality sampling + qualityUpdate broadcast. Public for tests. */
  async sampleQuality(): Promise<PeerQuality[]> {
    if (this.closed || this.qualityRunning) return [];
    const joined = this.joinedPeers();
    if (joined.length === 0) return [];
    this.qualityRunning = true;
    try {
      const now = Date.now();
      const results = await Promise.all(joined.map((p) => this.peerQuality(p, now).catch(() => null)));
      if (this.closed) return [];
      const peers = results.filter((q): q is PeerQuality => q !== null);
      for (const p of this.joinedPeers()) p.notify("qualityUpdate", { peers });
      for (const q of peers) notifyObserver(this.observer, this.log, "qualitySample", this.roomId, q.peerId, q);
      return peers;
    } finally {
      this.qualityRunning = false;
    }
  }

  private async peerQuality(peer: Peer, now: number): Promise<PeerQuality | null> {
    const scores: number[] = [];
    let lossPercent = 0;
    let rttMs: number | null = null;
    let sendBps = 0;
    let recvBps = 0;
    let hasMedia = true;
    const noteRtt = (rtt: number | undefined) => {
      if (typeof rtt === "number" && rtt > 0) rttMs = Math.max(rttMs ?? 0, rtt);
    };

    // Uplink: one getStats per producer (what the SFU receives from this peer).
    await Promise.all(
      [...peer.producers.values()].map(async (producer) => {
        const stats = await producer.getStats().catch(() => [] as ms.ProducerStat[]);
        if (producer.closed) return;
        let bytes = 0;
        for (const s of stats) {
          bytes += s.byteCount ?? 0;
          sendBps += s.bitrate ?? 0;
          lossPercent = Math.max(lossPercent, fractionLostToPercent(s.fractionLost ?? 0));
          noteRtt(s.roundTripTime);
        }
        const media = peer.producerMedia.get(producer.id);
        if (producer.paused) {
          if (media) {
            media.lastChangeAt = now;
            media.lastByteCount = bytes;
          }
          return;
        }
        for (const s of producer.score) scores.push(s.score);
        if (media) {
          if (bytes !== media.lastByteCount) {
            if (bytes > 0) media.lastChangeAt = now;
            media.lastByteCount = bytes;
          }
          if (now - media.lastChangeAt > NO_MEDIA_TIMEOUT_MS) hasMedia = false;
        }
      }),
    );

    // Downlink score for peers that only watch: the scores of what the SFU sends them.
    if (peer.producers.size === 0) {
      for (const c of peer.consumers.values()) {
        if (!c.paused && !c.producerPaused && c.score) scores.push(c.score.score);
      }
    }

    const jobs: Promise<void>[] = [];
    const recv = peer.recvTransport;
    if (recv && !recv.closed) {
      jobs.push(
        recv
          .getStats()
          .then((stats) => {
            for (const s of stats) recvBps += s.sendBitrate ?? 0;
          })
          .catch(() => undefined),
      );
    }
    // RTT: producer stats rarely carry it (needs RTCP XR); consumer stats do (from RR).
    if (rttMs === null && peer.consumers.size > 0) {
      const consumers = [...peer.consumers.values()];
      const consumer = consumers[this.rttConsumerCursor++ % consumers.length];
      jobs.push(
        consumer
          .getStats()
          .then((stats) => {
            for (const s of stats) if (s.type === "outbound-rtp") noteRtt(s.roundTripTime);
          })
          .catch(() => undefined),
      );
    }
    await Promise.all(jobs);
    if (peer.closed || !peer.joined) return null;

    const score = scores.length ? Math.min(...scores) : 10;
    const connected = peer.brokenTransports.size === 0;
    const round = (n: number) => Math.round(n * 10) / 10;
    return {
      peerId: peer.id,
      level: qualityLevel({ score, packetLossPercent: lossPercent, rttMs, hasMedia, connected }),
      score: Math.max(0, Math.min(10, score)),
      packetLossPercent: round(lossPercent),
      rttMs: rttMs === null ? null : round(rttMs),
      sendKbps: round(sendBps / 1000),
      recvKbps: round(recvBps / 1000),
    };
  }

  /** Counts for /api/sfu/stats. */
  counts(): { peers: number; joined: number; transports: number; producers: number; consumers: number } {
    let transports = 0;
    let producers = 0;
    let consumers = 0;
    let joined = 0;
    for (const p of this.peers.values()) {
      if (p.joined) joined++;
      transports += p.transports.size;
      producers += p.producers.size;
      consumers += p.consumers.size;
    }
    return { peers: this.peers.size, joined, transports, producers, consumers };
  }
}
