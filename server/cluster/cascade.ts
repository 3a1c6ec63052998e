// Cascaded rooms: one meeting spread over several nodes (Jitsi's Octo, with mediasoup's
// PipeTransports). A room lives on its home node; when the home is full (NODE_MAX_PEERS),
// new participants are placed on an edge node (lib/cluster/placement.ts). Each edge links
// its copy of the room to the home over one PipeTransport pair, set up through the event
// bus: every producer of one side is consumed into the pipe and produced on the other side
// by a "remote peer" (Room.addRemotePeer), whose media the local participants then consume
// like anyone else's. The home relays between edges (a star). Pause, resume, close and
// leave follow over the same channel.
//
// A room may span several routers of this node (rooms across cores, RoomRouters): the pipe
// to another node lands on the room's primary router; producers of local peers homed on
// another router are piped to the primary first, and a remote peer counts as homed on the
// primary, so local consumers elsewhere get its producers through pipeToRouter like any other.
import type { types as ms } from "mediasoup";
import { z } from "zod";
import { EDGE_TTL_MS } from "../../lib/cluster/placement";
import { videoLayerSchema } from "../../lib/signaling/protocol";
import type { ClusterEnvelope } from "../../lib/shared-state/event-bus";
import type { SharedState } from "../../lib/shared-state/shared-state";
import type { Logger } from "../logger";
import { Peer, type ProducerAppData } from "../rooms/peer";
import type { Room } from "../rooms/room";
import type { LocalRoomRouter } from "../rooms/room-router";
import type { ObservedPeer, RoomObserver } from "../rooms/room-observer";
import type { RoomRegistry } from "../rooms/room-registry";

const peerRef = z.object({ id: z.string().min(1).max(128), displayName: z.string().max(128), isHost: z.boolean() });
const bodySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("hello"), ip: z.string().max(64), port: z.number().int().min(1).max(65535) }),
  z.object({ kind: z.literal("helloAck"), ip: z.string().max(64), port: z.number().int().min(1).max(65535) }),
  z.object({ kind: z.literal("peer"), peer: peerRef }),
  z.object({ kind: z.literal("peerGone"), peerId: z.string().min(1).max(128) }),
  z.object({
    kind: z.literal("producer"),
    peer: peerRef,
    producerId: z.string().min(1).max(128),
    mediaKind: z.enum(["audio", "video"]),
    source: z.enum(["mic", "camera", "screen"]),
    rtpParameters: z.looseObject({}),
    paused: z.boolean(),
    /** Video: its simulcast layers, for the per-viewer layer choice on the other side. */
    layers: z
      .object({
        sizes: z.array(videoLayerSchema).max(4),
        temporalLayers: z.number().int().min(1).max(4),
      })
      .optional(),
  }),
  z.object({ kind: z.literal("producerState"), producerId: z.string().min(1).max(128), state: z.enum(["paused", "resumed", "closed"]) }),
  z.object({ kind: z.literal("bye") }),
]);
type Body = z.infer<typeof bodySchema>;

type CascadeProducerAppData = ProducerAppData & { cascadeFrom: string };

/** One pipe between this node's copy of a room and another node's. */
type Link = {
  roomId: string;
  /** The node at the other end. */
  node: string;
  room: Room;
  /** The room's router the pipe is on (its primary when the link was made). */
  router: LocalRoomRouter;
  pipe: ms.PipeTransport;
  up: boolean;
  /** Peers of the other side, by their id there. */
  remotePeers: Map<string, Peer>;
  /** Producers of this side piped to the other (consumer per producer id). */
  outgoing: Map<string, ms.Consumer>;
};

const noopSink = { send() {}, close() {} };

export type CascadeOptions = {
  state: SharedState;
  nodeId: string;
  registry: RoomRegistry;
  listenIp: string;
  announcedAddress: string;
  logger: Logger;
};

export class Cascade implements RoomObserver {
  private readonly links = new Map<string, Link>(); // `${roomId}|${node}`
  private readonly pendingHello = new Map<string, (ack: { ip: string; port: number }) => void>();
  private readonly watchedRouters = new WeakSet<ms.Router>();
  private unsubscribe: (() => void) | null = null;
  private readonly log: Logger;

  constructor(private readonly o: CascadeOptions) {
    this.log = o.logger.child({ component: "cascade" });
  }

  start(): void {
    this.unsubscribe = this.o.state.events.subscribe((e) => this.onEvent(e));
  }

  stop(): void {
    this.unsubscribe?.();
    for (const link of [...this.links.values()]) this.dropLink(link, true);
  }

  /** Links this node's edge rooms to their home, keeps edge entries fresh, drops dead links. */
  async tick(liveNodes: ReadonlySet<string>): Promise<void> {
    const { state, nodeId, registry } = this.o;
    for (const link of [...this.links.values()]) {
      if (!liveNodes.has(link.node) || link.room.closed || link.router.closed) this.dropLink(link, false);
    }
    for (const room of registry.all()) {
      if (room.closed) continue;
      this.watchRouters(room);
      const home = await state.placement.get(room.roomId);
      if (!home || home === nodeId) continue;
      const local = room.joinedPeers().filter((p) => !isRemote(p));
      const link = this.links.get(key(room.roomId, home));
      if (local.length === 0 && room.peers.size === [...room.peers.values()].filter(isRemote).length) {
        // nobody of ours left in this edge room: unlink, so the room can close
        if (link) this.dropLink(link, true);
        continue;
      }
      await state.placement.addEdge(room.roomId, nodeId, EDGE_TTL_MS);
      if (!link && liveNodes.has(home)) await this.connectTo(room, home);
    }
    // catch-all: every producer here is on every link of its room (the fast path is the
    // router observer; this covers transports created before the room was watched)
    for (const link of this.links.values()) {
      if (!link.up) continue;
      for (const peer of link.room.joinedPeers()) {
        if (this.cameFrom(peer, link.node)) continue;
        for (const producer of peer.producers.values()) await this.pipeOut(link, peer, producer);
      }
    }
  }

  // ---- RoomObserver: local participants joining / leaving ------------------------------

  peerJoined(roomId: string, peer: ObservedPeer): void {
    if (isRemote(peer)) return;
    for (const link of this.linksOf(roomId)) this.send(link, { kind: "peer", peer: ref(peer) });
  }

  peerLeft(roomId: string, peer: ObservedPeer): void {
    if (isRemote(peer)) return;
    for (const link of this.linksOf(roomId)) this.send(link, { kind: "peerGone", peerId: peer.id });
  }

  qualitySample(): void {}

  roomClosed(roomId: string): void {
    for (const link of this.linksOf(roomId)) this.dropLink(link, true);
  }

  // ---- links ----------------------------------------------------------------------------

  private linksOf(roomId: string): Link[] {
    return [...this.links.values()].filter((l) => l.roomId === roomId && l.up);
  }

  private async newPipe(room: Room): Promise<{ router: LocalRoomRouter; pipe: ms.PipeTransport }> {
    const router = await room.routers.primaryReady();
    const pipe = await router.router.createPipeTransport({
      listenInfo: { protocol: "udp", ip: this.o.listenIp, announcedAddress: this.o.announcedAddress },
      enableRtx: true,
      appData: { cascade: true },
    });
    return { router, pipe };
  }

  private register(room: Room, node: string, router: LocalRoomRouter, pipe: ms.PipeTransport): Link {
    const link: Link = { roomId: room.roomId, node, room, router, pipe, up: false, remotePeers: new Map(), outgoing: new Map() };
    this.links.set(key(room.roomId, node), link);
    pipe.observer.once("close", () => {
      if (this.links.get(key(room.roomId, node)) === link) this.dropLink(link, false);
    });
    return link;
  }

  /** Edge side: open a pipe to the home node's copy of the room. */
  private async connectTo(room: Room, home: string): Promise<void> {
    const k = key(room.roomId, home);
    const { router, pipe } = await this.newPipe(room);
    const link = this.register(room, home, router, pipe);
    const ack = new Promise<{ ip: string; port: number }>((resolve, reject) => {
      this.pendingHello.set(k, resolve);
      setTimeout(() => reject(new Error("no answer from the home node")), 5000).unref();
    });
    this.send(link, { kind: "hello", ip: this.o.announcedAddress, port: pipe.tuple.localPort });
    try {
      const { ip, port } = await ack;
      await pipe.connect({ ip, port });
    } catch (err) {
      this.log.warn({ err, roomId: room.roomId, home }, "cascade link failed; retrying");
      this.dropLink(link, false);
      return;
    } finally {
      this.pendingHello.delete(k);
    }
    await this.linkUp(link);
  }

  /** Home side: an edge asks for a pipe. */
  private async accept(roomId: string, from: string, ip: string, port: number): Promise<void> {
    const old = this.links.get(key(roomId, from));
    if (old) this.dropLink(old, false);
    const room = await this.o.registry.getOrCreate(roomId);
    const { router, pipe } = await this.newPipe(room);
    const link = this.register(room, from, router, pipe);
    await pipe.connect({ ip, port });
    this.send(link, { kind: "helloAck", ip: this.o.announcedAddress, port: pipe.tuple.localPort });
    await this.linkUp(link);
  }

  /** Both sides: tell the other side about every participant and producer here (not its own). */
  private async linkUp(link: Link): Promise<void> {
    link.up = true;
    this.log.info({ roomId: link.roomId, node: link.node }, "cascade link up");
    for (const peer of link.room.joinedPeers()) {
      if (this.cameFrom(peer, link.node)) continue;
      this.send(link, { kind: "peer", peer: ref(peer) });
      for (const producer of peer.producers.values()) await this.pipeOut(link, peer, producer);
    }
  }

  private cameFrom(peer: ObservedPeer, node: string): boolean {
    return peer.participantKey.startsWith(`remote:${node}:`);
  }

  /** Consumes `producer` into the link's pipe and announces it to the other side. */
  private async pipeOut(link: Link, peer: Peer, producer: ms.Producer<ProducerAppData>): Promise<void> {
    if (!link.up || link.outgoing.has(producer.id) || producer.closed || this.cameFrom(peer, link.node)) return;
    let consumer: ms.Consumer;
    try {
      // a local peer homed on another router of the room: its producer reaches the pipe's router first
      if (peer.router && peer.router !== link.router) await link.room.routers.ensureProducerOn(link.router, peer.router, producer.id);
      if (!link.up || link.outgoing.has(producer.id) || producer.closed) return;
      consumer = await link.pipe.consume({ producerId: producer.id });
    } catch (err) {
      this.log.warn({ err, producer: producer.id }, "cannot pipe producer");
      return;
    }
    link.outgoing.set(producer.id, consumer);
    const state = (s: "paused" | "resumed" | "closed") => this.send(link, { kind: "producerState", producerId: producer.id, state: s });
    consumer.on("producerclose", () => {
      link.outgoing.delete(producer.id);
      state("closed");
    });
    consumer.on("producerpause", () => state("paused"));
    consumer.on("producerresume", () => state("resumed"));
    this.send(link, {
      kind: "producer",
      peer: ref(peer),
      producerId: producer.id,
      mediaKind: producer.kind,
      source: producer.appData.source,
      rtpParameters: consumer.rtpParameters as unknown as Record<string, unknown>,
      paused: producer.paused,
      ...(producer.appData.layers ? { layers: producer.appData.layers } : {}),
    });
  }

  /** New producers of local participants go out on every link of their room (every router of it). */
  private watchRouters(room: Room): void {
    for (const r of room.routers.list) if (!r.closed) this.watchRouter(room, r.router);
  }

  private watchRouter(room: Room, router: ms.Router): void {
    if (this.watchedRouters.has(router)) return;
    this.watchedRouters.add(router);
    router.observer.on("newtransport", (transport) => {
      if ((transport.appData as { cascade?: boolean }).cascade) return; // pipes: relayed in onProducer
      transport.observer.on("newproducer", (producer) => {
        const p = producer as ms.Producer<ProducerAppData>;
        // after the produce reply, once the peer's map has it
        setImmediate(() => {
          const peer = room.peers.get(p.appData.peerId);
          if (!peer) return;
          for (const link of this.linksOf(room.roomId)) void this.pipeOut(link, peer, p);
        });
      });
    });
  }

  private remotePeer(link: Link, r: z.infer<typeof peerRef>): Peer {
    let peer = link.remotePeers.get(r.id);
    if (!peer) {
      peer = new Peer(noopSink, { participantKey: `remote:${link.node}:${r.id}`, isGuest: true, isHost: r.isHost }, r.displayName);
      peer.router = link.router; // its producers live on the pipe's router
      link.remotePeers.set(r.id, peer);
      link.room.addRemotePeer(peer);
    }
    return peer;
  }

  private dropLink(link: Link, sayBye: boolean): void {
    const k = key(link.roomId, link.node);
    if (this.links.get(k) !== link) return;
    this.links.delete(k);
    if (sayBye && link.up) this.send(link, { kind: "bye" });
    link.up = false;
    for (const c of link.outgoing.values()) c.close();
    link.outgoing.clear();
    const remote = [...link.remotePeers.values()];
    link.remotePeers.clear();
    if (!link.pipe.closed) link.pipe.close();
    for (const peer of remote) {
      if (link.room.peers.get(peer.id) === peer) link.room.removePeer(peer);
      // relayed on: the home tells its other edges
      for (const other of this.linksOf(link.roomId)) if (other !== link) this.send(other, { kind: "peerGone", peerId: peer.id });
    }
    this.log.info({ roomId: link.roomId, node: link.node }, "cascade link down");
  }

  // ---- messages -------------------------------------------------------------------------

  private send(link: Link, body: Body): void {
    this.o.state.events
      .publish({ type: "cascade", to: link.node, roomId: link.roomId, body: body as Record<string, unknown> })
      .catch((err: unknown) => this.log.warn({ err }, "cascade message not sent"));
  }

  private onEvent({ from, event }: ClusterEnvelope): void {
    if (event.type !== "cascade" || event.to !== this.o.nodeId || from === this.o.nodeId) return;
    const parsed = bodySchema.safeParse(event.body);
    if (!parsed.success) return this.log.warn({ from }, "ignored a malformed cascade message");
    void this.handle(event.roomId, from, parsed.data).catch((err: unknown) =>
      this.log.warn({ err, from, roomId: event.roomId, kind: parsed.data.kind }, "cascade message failed"),
    );
  }

  private async handle(roomId: string, from: string, body: Body): Promise<void> {
    if (body.kind === "hello") return this.accept(roomId, from, body.ip, body.port);
    if (body.kind === "helloAck") return this.pendingHello.get(key(roomId, from))?.({ ip: body.ip, port: body.port });
    const link = this.links.get(key(roomId, from));
    if (!link) return;
    switch (body.kind) {
      case "bye":
        return this.dropLink(link, false);
      case "peer": {
        const peer = this.remotePeer(link, body.peer);
        for (const other of this.linksOf(roomId)) if (other !== link) this.send(other, { kind: "peer", peer: ref(peer) });
        return;
      }
      case "peerGone": {
        const peer = link.remotePeers.get(body.peerId);
        if (!peer) return;
        link.remotePeers.delete(body.peerId);
        if (link.room.peers.get(peer.id) === peer) link.room.removePeer(peer);
        for (const other of this.linksOf(roomId)) if (other !== link) this.send(other, { kind: "peerGone", peerId: peer.id });
        return;
      }
      case "producer": {
        const peer = this.remotePeer(link, body.peer);
        const producer = await link.pipe.produce<CascadeProducerAppData>({
          id: body.producerId,
          kind: body.mediaKind,
          rtpParameters: body.rtpParameters as unknown as ms.RtpParameters,
          paused: body.paused,
          appData: { peerId: peer.id, source: body.source, cascadeFrom: from, ...(body.layers ? { layers: body.layers } : {}) },
        });
        peer.producers.set(producer.id, producer);
        producer.observer.once("close", () => peer.producers.delete(producer.id));
        await link.room.media.fanOutProducer(peer, producer);
        // the home relays it to its other edges
        for (const other of this.linksOf(roomId)) if (other !== link) await this.pipeOut(other, peer, producer);
        return;
      }
      case "producerState": {
        for (const peer of link.remotePeers.values()) {
          const producer = peer.producers.get(body.producerId);
          if (!producer) continue;
          if (body.state === "closed") producer.close();
          else if (body.state === "paused") await producer.pause();
          else await producer.resume();
        }
        return;
      }
    }
  }
}

function key(roomId: string, node: string): string {
  return `${roomId}|${node}`;
}

function isRemote(peer: ObservedPeer): boolean {
  return peer.participantKey.startsWith("remote:");
}

function ref(peer: { id: string; displayName: string; isHost: boolean }): z.infer<typeof peerRef> {
  return { id: peer.id, displayName: peer.displayName, isHost: peer.isHost };
}
