// One Peer per signaling socket bound to a room. Owns at most one send and one recv
// WebRtcTransport; closing a transport closes the producers/consumers on it.
import { randomUUID } from "node:crypto";
import type { types as ms } from "mediasoup";
import {
  encodeNotification,
  type MediaSource,
  type NotificationData,
  type NotificationName,
  type PeerInfo,
  type TransportDirection,
} from "../../lib/signaling/protocol";
import type { ObservedPeer, PeerIdentity } from "./room-observer";

/** Where a peer's messages go (the WebSocket, or a fake in tests). */
export interface PeerSink {
  send(text: string): void;
  /** Close the underlying connection (e.g. the room died). */
  close(code: number, reason: string): void;
}

export type TransportAppData = { peerId: string; direction: TransportDirection };
export type ProducerAppData = { peerId: string; source: MediaSource };
export type ConsumerAppData = { peerId: string; producerPeerId: string; source: MediaSource };

/** Bookkeeping for the "no media for > 5 s" check. */
export type ProducerMediaState = { lastByteCount: number; lastChangeAt: number };

export class Peer implements ObservedPeer {
  readonly id: string = randomUUID();
  displayName: string;
  identity: PeerIdentity;
  joined = false;
  joinedAt: Date | null = null;
  disconnectedAt: Date | null = null;
  closed = false;
  rtpCapabilities: ms.RtpCapabilities | null = null;

  readonly transports = new Map<string, ms.WebRtcTransport<TransportAppData>>();
  readonly producers = new Map<string, ms.Producer<ProducerAppData>>();
  readonly consumers = new Map<string, ms.Consumer<ConsumerAppData>>();
  /** Producer ids this peer consumes or is creating a consumer for (no duplicates). */
  readonly consumedProducerIds = new Set<string>();
  /** Transport ids currently ICE-disconnected or DTLS-failed. */
  readonly brokenTransports = new Set<string>();
  readonly producerMedia = new Map<string, ProducerMediaState>();

  constructor(
    readonly sink: PeerSink,
    identity: PeerIdentity,
    displayName: string,
  ) {
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
    if (this.closed) return;
    try {
      this.sink.send(encodeNotification(name, data));
    } catch {
      // the socket layer logs and handles its own failures
    }
  }

  info(): PeerInfo {
    return {
      id: this.id,
      displayName: this.displayName,
      isHost: this.identity.isHost,
      producers: [...this.producers.values()].map((p) => ({
        id: p.id,
        kind: p.kind,
        source: p.appData.source,
        paused: p.paused,
      })),
    };
  }

  /** Closes every transport (and so every producer and consumer). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.joined = false;
    for (const t of this.transports.values()) {
      try {
        t.close();
      } catch {
        // already closed
      }
    }
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
    this.consumedProducerIds.clear();
    this.producerMedia.clear();
  }
}
