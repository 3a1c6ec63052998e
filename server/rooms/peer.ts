// One participant in a room. A Peer outlives its signaling socket: when the socket is lost
// the peer keeps its transports, producers and consumers for a grace period (its sink is
// detached meanwhile) and a `resume` on a new socket attaches that socket to it again.
import { randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type { types as ms } from "mediasoup";
import {
  encodeNotification,
  type MediaSource,
  type NotificationData,
  type NotificationName,
  type ParticipantRole,
  type PeerInfo,
  type TransportDirection,
} from "../../lib/signaling/protocol";
import { roleOf } from "../../lib/rooms/permissions";
import { TokenBucket } from "../util/token-bucket";
import type { LayerChoice, ProducerLayers, ViewerView } from "./layer-policy";
import type { ObservedPeer, PeerIdentity } from "./room-observer";
import type { LocalRoomRouter } from "./room-router";

/** Where a peer's messages go (the WebSocket, or a fake in tests). */
export interface PeerSink {
  send(text: string): void;
  /** Close the underlying connection (e.g. the room died). */
  close(code: number, reason: string): void;
}

export type TransportAppData = { peerId: string; direction: TransportDirection };
export type ProducerAppData = {
  peerId: string;
  source: MediaSource;
  /** Video: its spatial layers (sizes) and temporal layer count. */
  layers?: ProducerLayers;
};
export type ConsumerAppData = {
  peerId: string;
  producerPeerId: string;
  source: MediaSource;
  /** The producer's layers (video), for the layer choice. */
  layers?: ProducerLayers;
  /** The client has its consumer ready (it sent resumeConsumer). */
  ready?: boolean;
  /** How the viewer shows it (null: not reported yet). */
  view?: ViewerView | null;
  /** What the layer policy chose last (paused = nobody can see it), within the viewer's bandwidth budget. */
  choice?: LayerChoice;
  /**
   * What the tile needs (with any congestion hold) before the bandwidth budget: what dynacast
   * keeps the publisher sending, so the SFU can still probe for room to go up.
   */
  need?: LayerChoice;
};

/** What the client measured on its inbound RTP (reportReceiveQuality). */
export type ReceiveReport = { packetLossPercent: number; jitterMs: number | null; at: number };
export type PlainTransportAppData = { peerId: string; kind: ms.MediaKind };

/** Bookkeeping for the "no media for > 5 s" check. */
export type ProducerMediaState = { lastByteCount: number; lastChangeAt: number };

/**
 * Requests that make the server notify every other peer (produce, close, pause, resume):
 * a loop of them from one client must not become a storm for the whole room.
 */
export const FANOUT_PER_SECOND = 5;
export const FANOUT_BURST = 20;

export class Peer implements ObservedPeer {
  readonly id: string = randomUUID();
  /** Proves ownership of this peer in a `resume`; never leaves server memory except in the join reply. */
  readonly resumeSecret: string = randomBytes(24).toString("base64url");
  displayName: string;
  identity: PeerIdentity;
  joined = false;
  /** Promoted to co-host by the host (set by the room; kept by participantKey for the session). */
  coHost = false;
  joinedAt: Date | null = null;
  disconnectedAt: Date | null = null;
  closed = false;
  rtpCapabilities: ms.RtpCapabilities | null = null;
  /** Client address of the socket bound last (a resume from another one = a network change). */
  address = "";
  /** Removes the peer when its grace period ends (set while disconnected). */
  graceTimer: NodeJS.Timeout | null = null;
  readonly fanout = new TokenBucket(FANOUT_PER_SECOND, FANOUT_BURST);

  readonly transports = new Map<string, ms.WebRtcTransport<TransportAppData>>();
  /** An ingest bot's PlainTransports (server/rooms/ingest.ts); empty for everyone else. */
  readonly plainTransports = new Map<string, ms.PlainTransport<PlainTransportAppData>>();
  readonly producers = new Map<string, ms.Producer<ProducerAppData>>();
  readonly consumers = new Map<string, ms.Consumer<ConsumerAppData>>();
  /** Producer ids this peer consumes or is creating a consumer for (no duplicates). */
  readonly consumedProducerIds = new Set<string>();
  /** Transport ids currently ICE-disconnected or DTLS-failed. */
  readonly brokenTransports = new Set<string>();
  readonly producerMedia = new Map<string, ProducerMediaState>();
  /** The room's router this peer's transports live on (rooms across cores); null before the first transport. */
  router: LocalRoomRouter | null = null;
  receiveReport: ReceiveReport | null = null;

  private _sink: PeerSink | null;

  constructor(sink: PeerSink, identity: PeerIdentity, displayName: string) {
    this._sink = sink;
    this.identity = identity;
    this.displayName = displayName;
  }

  get participantKey(): string {
    return this.identity.participantKey;
  }
  get userId(): string | undefined {
    return this.identity.userId;
  }
  get isGuest(): boolean {
    return this.identity.isGuest;
  }
  get isHost(): boolean {
    return this.identity.isHost;
  }
  get meetingId(): string | undefined {
    return this.identity.meetingId;
  }
  /** Rights in the room: the meeting's owner, a co-host, or a participant. */
  get role(): ParticipantRole {
    return roleOf(this.identity.isHost, this.coHost);
  }
  get hasHostRights(): boolean {
    return this.role !== "participant";
  }

  /** The socket currently bound to this peer (null while it is reconnecting). */
  get sink(): PeerSink | null {
    return this._sink;
  }

  get connected(): boolean {
    return this._sink !== null;
  }

  /** Binds a (new) socket: notifications go there from now on. */
  attach(sink: PeerSink): void {
    this._sink = sink;
    this.disconnectedAt = null;
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = null;
  }

  /** The socket is gone: notifications are dropped until a resume attaches another. */
  detach(at = new Date()): void {
    this._sink = null;
    this.disconnectedAt = at;
  }

  ownsSecret(secret: string): boolean {
    const a = Buffer.from(secret);
    const b = Buffer.from(this.resumeSecret);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  transport(direction: TransportDirection): ms.WebRtcTransport<TransportAppData> | undefined {
    for (const t of this.transports.values()) if (t.appData.direction === direction) return t;
    return undefined;
  }

  get sendTransport() {
    return this.transport("send");
  }

  get recvTransport() {
    return this.transport("recv");
  }

  notify<N extends NotificationName>(name: N, data: NotificationData<N>): void {
    if (this.closed || !this._sink) return;
    try {
      this._sink.send(encodeNotification(name, data));
    } catch {
      // the socket layer logs and handles its own failures
    }
  }

  info(): PeerInfo {
    return {
      id: this.id,
      displayName: this.displayName,
      isHost: this.hasHostRights,
      role: this.role,
      producers: [...this.producers.values()].map((p) => ({
        id: p.id,
        kind: p.kind,
        source: p.appData.source,
        paused: p.paused,
      })),
      reconnecting: !this.connected,
    };
  }

  /** Forgets every mediasoup object (their router is gone); the peer itself stays. */
  resetMedia(): void {
    for (const t of [...this.transports.values(), ...this.plainTransports.values()]) {
      try {
        t.close();
      } catch {
        // closed with its router already
      }
    }
    this.transports.clear();
    this.plainTransports.clear();
    this.producers.clear();
    this.consumers.clear();
    this.consumedProducerIds.clear();
    this.brokenTransports.clear();
    this.producerMedia.clear();
    this.router = null;
  }

  /** Closes every transport (and so every producer and consumer). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.joined = false;
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = null;
    this.resetMedia();
  }
}
