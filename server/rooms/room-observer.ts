// Hook for things that want to know what happens in rooms (meeting history: the "data"
// helper implements this to write MeetingSession/Attendance rows). Calls are
// fire-and-forget: a slow or failing observer never delays or breaks signaling.
import type { PeerQuality } from "../../lib/signaling/protocol";
import type { Logger } from "../logger";

/** Who a participant is, taken from their verified join token. */
export type PeerIdentity = {
  /** Stable key for this participant: the user id, or "guest:<random>" for guests. */
  participantKey: string;
  /** User id when signed in (absent for guests). */
  userId?: string;
  isGuest: boolean;
  isHost: boolean;
  /** Meeting id when the room belongs to a scheduled meeting. */
  meetingId?: string;
  /** An ingest bot (admin-issued token) streaming a file or RTP source into the room. */
  isIngest?: boolean;
};

/** The read-only view of a peer that observers get. */
export interface ObservedPeer {
  /** Per-connection id (changes on every join). */
  readonly id: string;
  readonly displayName: string;
  readonly identity: PeerIdentity;
  // the identity fields again, flat (same values as `identity.*`)
  readonly participantKey: string;
  readonly userId?: string;
  readonly isGuest: boolean;
  readonly isHost: boolean;
  readonly meetingId?: string;
  /** When join succeeded (null if never joined). */
  readonly joinedAt: Date | null;
  /**
   * When this peer's signaling socket was lost (it is in its reconnect grace period), else
   * null. A peer removed because its grace period ran out left at this moment.
   */
  readonly disconnectedAt: Date | null;
}

/**
 * Event semantics (one person = one participantKey):
 * - peerJoined: a join (first join, or a full rejoin after the old peer was removed).
 * - peerLeft: the person really left: `leave`, reconnect grace expired (left at
 *   `peer.disconnectedAt`), or replaced by a new join with the same participantKey
 *   (then peerJoined for the new peer follows at once).
 * - peerReconnecting / peerReconnected: the socket dropped and the peer is kept for its
 *   grace period / it resumed within it. No peerLeft/peerJoined around a resume.
 * - A media worker dying does not produce any of these: the room moves to another worker
 *   and its peers stay.
 * - roomClosed: the last peer is gone (not at server shutdown: the server calls the
 *   history's own shutdown()).
 */
export interface RoomObserver {
  peerJoined(roomId: string, peer: ObservedPeer): void | Promise<void>;
  peerLeft(roomId: string, peer: ObservedPeer): void | Promise<void>;
  peerReconnecting?(roomId: string, peer: ObservedPeer): void | Promise<void>;
  peerReconnected?(roomId: string, peer: ObservedPeer): void | Promise<void>;
  /** Every ~2 s per joined peer. */
  qualitySample(roomId: string, peerId: string, quality: PeerQuality): void | Promise<void>;
  roomClosed(roomId: string): void | Promise<void>;
}

export const noopRoomObserver: RoomObserver = {
  peerJoined() {},
  peerLeft() {},
  qualitySample() {},
  roomClosed() {},
};

/**
 * Calls one observer method without waiting for it; sync throws and rejected promises are
 * logged, never propagated.
 */
export function notifyObserver<K extends keyof RoomObserver>(
  observer: RoomObserver,
  logger: Logger,
  method: K,
  ...args: Parameters<NonNullable<RoomObserver[K]>>
): void {
  try {
    const fn = observer[method] as ((...a: Parameters<NonNullable<RoomObserver[K]>>) => void | Promise<void>) | undefined;
    if (!fn) return;
    const result = fn.apply(observer, args);
    if (result && typeof (result as Promise<void>).then === "function") {
      (result as Promise<void>).catch((err: unknown) =>
        logger.error({ err, method }, "room observer failed"),
      );
    }
  } catch (err) {
    logger.error({ err, method }, "room observer threw");
  }
}
