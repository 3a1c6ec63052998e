// A Room owns its peers and their lifecycle (modelled on mediasoup-demo's server Room):
// pre-join binding, join, reconnect grace and resume, replacement by a new join of the same
// person, leave and close. The media objects live in RoomMedia, on the room's routers
// (RoomRouters: one per worker the room spans; a dead worker's peers set their media up again
// on the routers that are left); quality sampling lives in QualitySampler.
//
// Pre-joined peers (sockets that only fetched router capabilities, maybe created
// transports) count as members but are invisible to others; so are peers waiting in the
// lobby or for the host. Joined peers see each other and consume each other's producers.
// Host controls, the lobby and raised hands live in RoomModeration (room-moderation.ts).
import { EventEmitter } from "node:events";
import type { types as ms } from "mediasoup";
import { CLOSE_CODES, type Joined, type ParsedRequest, type PeerQuality, type ResponseData } from "../../lib/signaling/protocol";
import { signRejoinTicket } from "../../lib/rooms/rejoin-ticket";
import type { Logger } from "../logger";
import { metrics } from "../metrics";
import type { WorkerPool } from "../sfu/worker-pool";
import { fail } from "./errors";
import { openMeetingGate, type MeetingGate } from "./meeting-gate";
import type { Peer, PeerSink } from "./peer";
import type { RoomSettings } from "./room-lobby";
import { ingestDisplayName, RoomIngest, type IngestOptions } from "./ingest";
import { RoomChat, type ChatArchive } from "./room-chat";
import { RoomMedia } from "./room-media";
import { CONTROL_METHODS, isControlRequest, RoomModeration } from "./room-moderation";
import { notifyObserver, type RoomObserver } from "./room-observer";
import { QUALITY_INTERVAL_MS, QualitySampler } from "./room-quality";
import type { LocalRoomRouter } from "./room-router";
import { RoomRouters } from "./room-routers";

export { QUALITY_INTERVAL_MS } from "./room-quality";
/** WebSocket close code sent to peers when their room is torn down. */
export const CLOSE_ROOM_CLOSED = CLOSE_CODES.roomClosed;
/** How long a joined peer whose socket was lost is kept (LiveKit and mediasoup-demo use similar). */
export const DEFAULT_RECONNECT_GRACE_MS = 30_000;

/** Room-level requests (everything the connection does not answer itself). */
export type RoomRequest = Exclude<ParsedRequest, { method: "getRouterRtpCapabilities" | "ping" | "resume" }>;
export type Respond<M extends RoomRequest["method"]> = (data: ResponseData<M>) => void;

export type RoomOptions = {
  roomId: string;
  pool: WorkerPool;
  maxPeers: number;
  observer: RoomObserver;
  logger: Logger;
  qualityIntervalMs?: number;
  reconnectGraceMs?: number;
  /** Rooms across cores: expected consumers per router before another worker is used. */
  routerConsumerThreshold?: number;
  /** Token revocation and meeting settings (default: open, no meeting). */
  gate?: MeetingGate;
  /** Where ingest PlainTransports listen (default loopback). */
  ingest?: IngestOptions;
  /** Where chat messages are kept beyond the room's memory (meeting history). */
  chatArchive?: ChatArchive;
};

type RoomEvents = { close: [reason: string] };

/** Requests that make the server notify every other peer: rate-limited per peer. */
const FANOUT_METHODS: ReadonlySet<string> = new Set([
  "produce",
  "closeProducer",
  "pauseProducer",
  "resumeProducer",
  ...CONTROL_METHODS,
]);

export class Room extends EventEmitter<RoomEvents> {
  readonly roomId: string;
  readonly routers: RoomRouters;
  readonly media: RoomMedia;
  readonly ingest: RoomIngest;
  readonly chat: RoomChat;
  /** Every peer bound to this room, joined or not, connected or in its grace period. */
  readonly peers = new Map<string, Peer>();
  closed = false;
  readonly createdAt = new Date();
  readonly reconnectGraceMs: number;
  readonly log: Logger;
  readonly moderation: RoomModeration;

  private readonly maxPeers: number;
  private readonly observer: RoomObserver;
  private readonly qualityTimer: NodeJS.Timeout;
  private readonly quality = new QualitySampler((peer, bps) => this.media.layers.bandwidthChanged(peer.id, bps));

  static async create(options: RoomOptions): Promise<Room> {
    const log = options.logger.child({ room: options.roomId });
    const routers = await RoomRouters.create({
      pool: options.pool,
      roomId: options.roomId,
      log,
      consumerThreshold: options.routerConsumerThreshold,
    });
    return new Room(options, routers, log);
  }

  private constructor(options: RoomOptions, routers: RoomRouters, log: Logger) {
    super();
    this.roomId = options.roomId;
    this.routers = routers;
    this.log = log;
    this.media = new RoomMedia(this);
    this.moderation = new RoomModeration(this, options.gate ?? openMeetingGate);
    this.ingest = new RoomIngest(async (peer) => (await this.media.homeRouter(peer)).router, options.ingest);
    this.chat = new RoomChat({ roomId: options.roomId, archive: options.chatArchive });
    this.maxPeers = options.maxPeers;
    this.observer = options.observer;
    this.reconnectGraceMs = options.reconnectGraceMs ?? DEFAULT_RECONNECT_GRACE_MS;
    routers.on("lost", (router) => this.onRouterLost(router));
    routers.on("unavailable", () => this.close("no media worker available"));
    this.qualityTimer = setInterval(() => {
      void this.sampleQuality();
    }, options.qualityIntervalMs ?? QUALITY_INTERVAL_MS);
    this.qualityTimer.unref();
    this.log.info({ workers: routers.workerIndexes, routerConsumerThreshold: routers.threshold }, "room created");
  }

  get routerRtpCapabilities(): ms.RtpCapabilities {
    return this.routers.rtpCapabilities;
  }

  /** Indexes of the workers the room spans now (changes with load and when a worker dies). */
  get workerIndexes(): number[] {
    return this.routers.workerIndexes;
  }

  joinedPeers(): Peer[] {
    return [...this.peers.values()].filter((p) => p.joined);
  }

  private others(peer: Peer): Peer[] {
    return this.joinedPeers().filter((p) => p !== peer);
  }

  /** The meeting's current settings (looked up at every bind: an edit applies to the next joins). */
  applySettings(settings: RoomSettings | null): void {
    if (settings) this.moderation.settings = settings;
  }

  /**
   * A participant hosted on another node of a cascaded room (server/cluster/cascade.ts):
   * joined at once, its media arrives over a PipeTransport, it is never suspended, and this
   * node does not record it in the history (its own node does).
   */
  addRemotePeer(peer: Peer): void {
    if (this.closed || this.peers.has(peer.id)) return;
    peer.joined = true;
    peer.joinedAt = new Date();
    this.peers.set(peer.id, peer);
    const info = peer.info();
    for (const other of this.others(peer)) other.notify("peerJoined", { peer: info });
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

  // ---- reconnect: grace period and resume -----------------------------------------------

  /**
   * The peer's socket is gone (not a `leave`). A joined peer is kept, media and all, for the
   * grace period so that its client can `resume`; a pre-joined one is simply removed.
   */
  suspendPeer(peer: Peer): void {
    if (this.peers.get(peer.id) !== peer || peer.closed) return;
    if (!peer.joined) return this.removePeer(peer);
    if (!peer.connected) return;
    peer.detach();
    metrics().reconnects.inc();
    this.log.info({ peer: peer.id, graceMs: this.reconnectGraceMs }, "peer socket lost; keeping it for its grace period");
    for (const other of this.others(peer)) other.notify("peerReconnecting", { peerId: peer.id });
    notifyObserver(this.observer, this.log, "peerReconnecting", this.roomId, peer);
    peer.graceTimer = setTimeout(() => {
      peer.graceTimer = null;
      if (peer.connected || this.peers.get(peer.id) !== peer) return;
      this.log.info({ peer: peer.id }, "reconnect grace period over; removing peer");
      this.removePeer(peer);
    }, this.reconnectGraceMs);
    peer.graceTimer.unref();
  }

  /** Binds `sink` (a new socket) to a joined peer and returns what its client must catch up on. */
  resumePeer(
    peerId: string,
    secret: string,
    sink: PeerSink,
    address = "",
  ): { peer: Peer; snapshot: ResponseData<"resume"> } {
    if (this.closed) fail("RESUME_FAILED", "the room was closed; join again");
    const peer = this.peers.get(peerId);
    if (!peer || !peer.joined || peer.closed) fail("RESUME_FAILED", "this participant is no longer in the room; join again");
    if (!peer!.ownsSecret(secret)) fail("RESUME_FAILED", "resume secret does not match; join again");
    const p = peer!;
    const previous = p.sink;
    const wasReconnecting = !p.connected;
    const addressChanged = !!p.address && !!address && p.address !== address;
    if (address) p.address = address;
    p.attach(sink);
    // The old socket may not have noticed yet that its network is gone.
    if (previous && previous !== sink) previous.close(CLOSE_CODES.superseded, "resumed on a newer connection");
    // The gap left decoders waiting on both sides of this peer. Not when its address changed:
    // its paths are dead until the ICE restart, and a key frame request sent into a dead path
    // stays pending in mediasoup, which swallows the one the new path's tuple change makes
    // (and retries only a second later).
    if (!addressChanged) this.media.requestKeyFrames(p);
    // dynacast notices sent while it was away
    this.media.dynacast.resend(p);
    if (wasReconnecting) {
      for (const other of this.others(p)) other.notify("peerReconnected", { peerId: p.id });
      notifyObserver(this.observer, this.log, "peerReconnected", this.roomId, p);
    }
    metrics().resumes.inc();
    this.log.info({ peer: p.id, transports: p.transports.size }, "peer resumed");
    return {
      peer: p,
      snapshot: {
        peerId: p.id,
        isHost: p.hasHostRights,
        role: p.role,
        control: this.moderation.snapshot(p),
        mutedByHost: this.moderation.takeMissedMutes(p),
        peers: this.others(p).map((o) => o.info()),
        consumers: [...p.consumers.values()].map((c) => this.media.consumerInfo(c)),
        producers: p.info().producers,
        transports: [...p.transports.values()].map((t) => ({ id: t.id, direction: t.appData.direction })),
        reconnectGraceMs: this.reconnectGraceMs,
        addressChanged,
        chat: this.chat.history(),
      },
    };
  }

  /**
   * A router's worker died: the media of every peer homed on it is gone; tell them to set it
   * up again (their new transports go on a live router). Peers elsewhere only lose their
   * consumers of those peers' producers (consumerClosed) and get new ones as they publish again.
   */
  private onRouterLost(router: LocalRoomRouter): void {
    for (const peer of this.peers.values()) {
      if (peer.router !== router) continue;
      peer.resetMedia();
      peer.notify("mediaReset", { reason: "media server restarted" });
    }
  }

  // ---- leaving --------------------------------------------------------------------------

  /** Removes a peer (leave, grace over, replaced): frees its transports, tells the others. */
  removePeer(peer: Peer): void {
    if (this.peers.get(peer.id) !== peer) return;
    this.peers.delete(peer.id);
    const wasJoined = peer.joined;
    peer.close();
    this.moderation.peerRemoved(peer);
    if (wasJoined) {
      this.media.speakers.peerGone(peer.id);
      this.log.info({ peer: peer.id, left: this.joinedPeers().length }, "peer left");
      for (const other of this.joinedPeers()) other.notify("peerLeft", { peerId: peer.id });
      notifyObserver(this.observer, this.log, "peerLeft", this.roomId, peer);
    }
    if (this.peers.size === 0) this.close("empty");
  }

  /** Takes a peer out at once (removed by a host, denied entry): its socket closes with `code`. */
  expel(peer: Peer, code: number, reason: string): void {
    const sink = peer.sink;
    this.removePeer(peer);
    try {
      sink?.close(code, reason);
    } catch {
      // socket already gone
    }
  }

  /**
   * Closes the router and every transport; connected peers are disconnected with `code`
   * (default: roomClosed, after which clients rejoin). `silent` (server shutdown) tells the
   * observer nothing: the history ends its sessions itself, as interrupted, so that they
   * continue when people come back.
   */
  close(reason: string, { silent = false, code = CLOSE_ROOM_CLOSED }: { silent?: boolean; code?: number } = {}): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.qualityTimer);
    const peers = [...this.peers.values()];
    this.peers.clear();
    for (const peer of peers) {
      const wasJoined = peer.joined;
      const sink = peer.sink;
      peer.close();
      try {
        sink?.close(code, code === CLOSE_ROOM_CLOSED ? `room closed: ${reason}`.slice(0, 120) : reason.slice(0, 120));
      } catch {
        // socket already gone
      }
      if (wasJoined && !silent) notifyObserver(this.observer, this.log, "peerLeft", this.roomId, peer);
    }
    this.media.close();
    this.routers.close();
    this.log.info({ reason, disconnected: peers.length }, "room closed");
    if (!silent) notifyObserver(this.observer, this.log, "roomClosed", this.roomId);
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
    if (this.peers.get(peer.id) !== peer) fail("NOT_JOINED", "not in this room");
    if (FANOUT_METHODS.has(request.method) && !peer.fanout.take()) {
      fail("RATE_LIMITED", `${request.method}: too many changes at once; slow down`);
    }
    if (isControlRequest(request)) return this.moderation.handle(peer, request, respond);
    const media = this.media;
    switch (request.method) {
      case "join":
        return this.join(peer, request.data, respond);
      case "createTransport": {
        respond(await media.createTransport(peer, request.data));
        if (request.data.direction === "recv" && peer.joined) await media.consumeAllFor(peer);
        return;
      }
      case "connectTransport":
        await media.connectTransport(peer, request.data);
        return respond({});
      case "produce": {
        const producer = await media.produce(peer, request.data);
        respond({ producerId: producer.id });
        return media.fanOutProducer(peer, producer);
      }
      case "closeProducer":
        media.closeProducer(peer, request.data.producerId);
        return respond({});
      case "pauseProducer":
        await media.pauseProducer(peer, request.data.producerId);
        return respond({});
      case "resumeProducer":
        await media.resumeProducer(peer, request.data.producerId);
        return respond({});
      case "resumeConsumer":
        await media.resumeConsumer(peer, request.data.consumerId);
        return respond({});
      case "updateConsumerViews":
        await media.updateConsumerViews(peer, request.data.views);
        return respond({});
      case "reportReceiveQuality":
        peer.receiveReport = { ...request.data, at: Date.now() };
        return respond({});
      case "setConsumerPreferredLayers":
        await media.setConsumerPreferredLayers(peer, request.data);
        return respond({});
      case "restartIce":
        return respond(await media.restartIce(peer, request.data.transportId));
      case "createPlainTransport":
        return respond(await this.ingest.createPlainTransport(peer, request.data));
      case "leave":
        respond({});
        this.removePeer(peer);
        return;
      case "sendChat":
        return respond({ message: this.chat.send(peer, request.data.text, this.joinedPeers()) });
      case "getChatHistory":
        if (!peer.joined) fail("NOT_JOINED", "join the meeting first");
        return respond({ messages: this.chat.history() });
      default: {
        const never: never = request;
        fail("UNKNOWN_METHOD", `unknown method "${(never as { method: string }).method}"`);
      }
    }
  }

  private async join(
    peer: Peer,
    data: Extract<RoomRequest, { method: "join" }>["data"],
    respond: Respond<"join">,
  ): Promise<void> {
    if (peer.joined) fail("ALREADY_JOINED", "already joined this room");
    const alreadyWaiting = this.moderation.waitingInfo(peer);
    if (alreadyWaiting) return respond({ status: "waiting", ...alreadyWaiting });
    peer.displayName = peer.identity.isIngest ? ingestDisplayName(data.displayName) : data.displayName;
    peer.rtpCapabilities = data.rtpCapabilities as unknown as ms.RtpCapabilities;
    if (data.rejoin) metrics().rejoins.inc();
    const waiting = this.moderation.admission(peer);
    if (waiting) return respond({ status: "waiting", ...waiting });
    const joined = await this.enter(peer);
    respond({ status: "joined", ...joined });
    await this.announce(peer);
  }

  /** A waiting peer may enter (admitted by a host, or the host arrived). */
  async admit(peer: Peer): Promise<void> {
    if (peer.closed || this.peers.get(peer.id) !== peer) fail("NOT_FOUND", "that person is no longer waiting");
    const joined = await this.enter(peer);
    peer.notify("admitted", joined);
    await this.announce(peer);
  }

  /** Makes `peer` a joined member and returns what its client needs (join reply / admitted). */
  private async enter(peer: Peer): Promise<Joined> {
    // The same person joining again (a rejoin after the server forgot the old connection,
    // another tab, another device) replaces the old peer at once: no ghost tile.
    const previous = this.joinedPeers().find((p) => p !== peer && p.participantKey === peer.participantKey);
    if (this.joinedPeers().length - (previous ? 1 : 0) >= this.maxPeers) {
      fail("ROOM_FULL", `room is full (${this.maxPeers} participants)`);
    }
    const rejoinTicket = await signRejoinTicket({
      room: this.roomId,
      sub: peer.participantKey,
      guest: peer.identity.isGuest,
    });
    if (peer.closed || this.peers.get(peer.id) !== peer) fail("NOT_JOINED", "connection closed while joining");
    if (peer.joined) fail("ALREADY_JOINED", "already joined this room");
    if (previous && this.peers.get(previous.id) === previous) {
      this.log.info({ old: previous.id, peer: peer.id }, "same participant joined again; replacing the old peer");
      this.expel(previous, CLOSE_CODES.replaced, "you joined this meeting from another window");
    }
    peer.joined = true;
    peer.joinedAt = new Date();
    return {
      peerId: peer.id,
      isHost: peer.hasHostRights,
      role: peer.role,
      routerRtpCapabilities: this.routerRtpCapabilities as Joined["routerRtpCapabilities"],
      peers: this.others(peer).map((p) => p.info()),
      resumeSecret: peer.resumeSecret,
      reconnectGraceMs: this.reconnectGraceMs,
      rejoinTicket,
      chat: this.chat.history(),
      control: this.moderation.snapshot(peer),
    };
  }

  /** After the reply: the others see the newcomer, who gets consumers for their media. */
  private async announce(peer: Peer): Promise<void> {
    const others = this.others(peer);
    this.log.info(
      { peer: peer.id, participant: peer.identity.participantKey, joined: others.length + 1 },
      "peer joined",
    );
    const info = peer.info();
    for (const other of others) other.notify("peerJoined", { peer: info });
    notifyObserver(this.observer, this.log, "peerJoined", this.roomId, peer);
    this.media.speakers.tellNewcomer(peer);
    await this.media.consumeAllFor(peer);
    // a host's arrival lets in those who waited for one (after the host's own consumers)
    await this.moderation.entered(peer);
  }

  // ---- quality ---------------------------------------------------------------------------

  /** One round of quality sampling + qualityUpdate broadcast. Public for tests. */
  async sampleQuality(): Promise<PeerQuality[]> {
    if (this.closed) return [];
    const joined = this.joinedPeers();
    if (joined.length === 0) return [];
    const peers = await this.quality.sample(joined, (id) => this.media.dynacast.isSuspended(id));
    if (!peers || this.closed) return [];
    for (const p of this.joinedPeers()) p.notify("qualityUpdate", { peers });
    for (const q of peers) notifyObserver(this.observer, this.log, "qualitySample", this.roomId, q.peerId, q);
    return peers;
  }

  /** Counts for /api/sfu/stats. */
  counts(): RoomCounts {
    let transports = 0;
    let producers = 0;
    let pausedProducers = 0;
    let consumers = 0;
    let hiddenConsumers = 0;
    let joined = 0;
    let reconnecting = 0;
    for (const p of this.peers.values()) {
      if (p.joined) joined++;
      if (!p.connected) reconnecting++;
      transports += p.transports.size;
      producers += p.producers.size;
      for (const producer of p.producers.values()) if (producer.paused) pausedProducers++;
      consumers += p.consumers.size;
      for (const c of p.consumers.values()) if (c.appData.choice?.paused) hiddenConsumers++;
    }
    return {
      peers: this.peers.size,
      joined,
      reconnecting,
      transports,
      producers,
      pausedProducers,
      consumers,
      hiddenConsumers,
      routers: this.routers.list.length,
    };
  }
}

export type RoomCounts = {
  peers: number;
  joined: number;
  reconnecting: number;
  transports: number;
  producers: number;
  pausedProducers: number;
  consumers: number;
  /** Consumers paused because their viewer cannot see them (hidden tile, other page, background tab). */
  hiddenConsumers: number;
  routers: number;
};
