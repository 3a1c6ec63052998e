// Host controls, the lobby and raised hands of one room, beside the Room (which owns the
// peers and their lifecycle). Every host control asks lib/rooms/permissions.ts first and is
// refused with FORBIDDEN; what people see follows what they may see (only hosts and
// co-hosts get the lobby list; waiting people get neither media nor the participant list,
// because they are not joined).
//
// The state is per room session: co-hosts (by participantKey, so a rejoin keeps the role),
// the lock, the lobby (lobby-state in room-lobby.ts: who was in, who was removed) and the
// raised hands.
import {
  CLOSE_CODES,
  type MediaSource,
  type NotificationData,
  type NotificationName,
  type ParsedRequest,
  type RoomControl,
  type WaitingInfo,
} from "../../lib/signaling/protocol";
import { decide, outranks, type HostAction } from "../../lib/rooms/permissions";
import type { Logger } from "../logger";
import { fail } from "./errors";
import type { MeetingGate } from "./meeting-gate";
import type { Peer } from "./peer";
import { HandQueue } from "./room-hands";
import { DEFAULT_ROOM_SETTINGS, LobbyState, type RoomSettings } from "./room-lobby";

export const CONTROL_METHODS = [
  "raiseHand",
  "lowerHand",
  "react",
  "muteParticipant",
  "muteAll",
  "removeParticipant",
  "setRoomLock",
  "lobbyAdmit",
  "lobbyAdmitAll",
  "lobbyDeny",
  "setCoHost",
  "endMeeting",
] as const;
export type ControlMethod = (typeof CONTROL_METHODS)[number];
export type ControlRequest = Extract<ParsedRequest, { method: ControlMethod }>;

const CONTROL_METHOD_SET: ReadonlySet<string> = new Set(CONTROL_METHODS);
export function isControlRequest(request: { method: string }): request is ControlRequest {
  return CONTROL_METHOD_SET.has(request.method);
}

/** What moderation needs from its room. */
export interface ModeratedRoom {
  readonly roomId: string;
  readonly log: Logger;
  readonly peers: ReadonlyMap<string, Peer>;
  joinedPeers(): Peer[];
  readonly media: {
    pauseProducer(peer: Peer, producerId: string): Promise<void>;
    closeProducer(peer: Peer, producerId: string): void;
  };
  /** Moves a waiting peer into the room (throws ROOM_FULL and the like). */
  admit(peer: Peer): Promise<void>;
  /** Takes a peer out at once, closing its socket with `code` (no grace period). */
  expel(peer: Peer, code: number, reason: string): void;
  close(reason: string, opts: { code: number }): void;
}

export class RoomModeration {
  settings: RoomSettings = DEFAULT_ROOM_SETTINGS;
  locked = false;
  private readonly coHostKeys = new Set<string>();
  private readonly lobby = new LobbyState<Peer>();
  private readonly hands = new HandQueue();
  /** Host mutes a peer missed while its socket was down; handed over in its resume snapshot. */
  private readonly missedMutes = new WeakMap<Peer, Set<MediaSource>>();

  constructor(
    private readonly room: ModeratedRoom,
    private readonly gate: MeetingGate,
  ) {}

  // ---- joining -------------------------------------------------------------------------

  private hostPresent(): boolean {
    return this.room.joinedPeers().some((p) => p.hasHostRights);
  }

  /**
   * Decides whether `peer` (about to join) enters now. Null: enter. Otherwise it is parked
   * and this says what it waits for.
   */
  admission(peer: Peer): WaitingInfo | null {
    peer.coHost = this.coHostKeys.has(peer.participantKey);
    // An admin's stream (ingest token) was put there on purpose: it never waits.
    if (peer.identity.isIngest) return null;
    const verdict = this.lobby.decide(peer.participantKey, {
      role: peer.role,
      hostPresent: this.hostPresent(),
      settings: this.settings,
      locked: this.locked,
    });
    if (verdict === "enter") return null;
    const replaced = this.lobby.park(peer, verdict);
    if (replaced) this.room.expel(replaced.peer, CLOSE_CODES.replaced, "you asked to join from another window");
    this.room.log.info({ peer: peer.id, reason: verdict }, "peer waits to enter");
    if (verdict === "lobby") this.notifyLobby();
    return { reason: verdict, startsAt: this.settings.startsAt };
  }

  /** What a peer waiting in the lobby was told (null when it is not waiting). */
  waitingInfo(peer: Peer): WaitingInfo | null {
    const entry = this.lobby.get(peer.id);
    return entry && entry.peer === peer ? { reason: entry.reason, startsAt: this.settings.startsAt } : null;
  }

  /** `peer` is in the room now. A host's arrival lets in (or moves to the lobby) who waited for one. */
  async entered(peer: Peer): Promise<void> {
    this.lobby.entered(peer.participantKey);
    if (!peer.hasHostRights) return;
    const { enter, toLobby } = this.lobby.hostArrived({ settings: this.settings, locked: this.locked });
    for (const e of toLobby) e.peer.notify("waitingChanged", { reason: "lobby", startsAt: this.settings.startsAt });
    if (toLobby.length) this.notifyLobby();
    for (const e of enter) {
      try {
        await this.room.admit(e.peer);
      } catch (err) {
        this.room.log.warn({ err, peer: e.peer.id }, "could not let in a peer waiting for the host");
        this.lobby.park(e.peer, "lobby");
        e.peer.notify("waitingChanged", { reason: "lobby", startsAt: this.settings.startsAt });
        this.notifyLobby();
      }
    }
  }

  /** The room's moderation state as `peer` may see it. */
  snapshot(peer: Peer): RoomControl {
    return { locked: this.locked, hands: this.hands.list(), lobby: peer.hasHostRights ? this.lobby.requests() : [] };
  }

  /** The peer is gone (left, removed, grace over, socket closed while waiting). */
  peerRemoved(peer: Peer): void {
    if (this.lobby.get(peer.id)?.peer === peer && this.lobby.leave(peer.id)) this.notifyLobby();
    if (this.hands.lower(peer.id)) this.broadcast("handsChanged", { hands: this.hands.list() });
  }

  takeMissedMutes(peer: Peer): MediaSource[] {
    const missed = this.missedMutes.get(peer);
    this.missedMutes.delete(peer);
    return missed ? [...missed] : [];
  }

  // ---- requests ------------------------------------------------------------------------

  async handle(peer: Peer, request: ControlRequest, respond: (data: unknown) => void): Promise<void> {
    if (!peer.joined) fail("NOT_JOINED", `${request.method} needs join first`);
    switch (request.method) {
      case "raiseHand":
        if (this.hands.raise(peer.id)) this.broadcast("handsChanged", { hands: this.hands.list() });
        return respond({});
      case "lowerHand": {
        const targetId = request.data?.peerId ?? peer.id;
        if (targetId !== peer.id) this.target(peer, targetId, "lowerHand");
        if (this.hands.lower(targetId)) this.broadcast("handsChanged", { hands: this.hands.list() });
        return respond({});
      }
      case "react":
        respond({});
        return this.broadcast("reaction", { peerId: peer.id, reaction: request.data.reaction });
      case "muteParticipant": {
        const target = this.target(peer, request.data.peerId, "mute");
        await this.mute(target, request.data.source, peer);
        return respond({});
      }
      case "muteAll": {
        this.allow(peer, "muteAll");
        const targets = this.room.joinedPeers().filter((p) => p !== peer && outranks(peer.role, p.role));
        await Promise.all(targets.map((t) => this.mute(t, "mic", peer)));
        return respond({ muted: targets.length });
      }
      case "removeParticipant": {
        const target = this.target(peer, request.data.peerId, "remove");
        this.lobby.removed(target.participantKey);
        this.coHostKeys.delete(target.participantKey);
        this.room.log.info({ peer: target.id, by: peer.id }, "participant removed by a host");
        respond({});
        return this.room.expel(target, CLOSE_CODES.removed, `${peer.displayName} removed you from the meeting`.slice(0, 120));
      }
      case "setRoomLock": {
        this.allow(peer, "lock");
        if (this.locked !== request.data.locked) {
          this.locked = request.data.locked;
          this.broadcast("roomLockChanged", { locked: this.locked, by: peer.displayName });
        }
        return respond({});
      }
      case "lobbyAdmit": {
        this.allow(peer, "admit");
        const entry = this.lobby.get(request.data.peerId);
        if (!entry) fail("NOT_FOUND", "nobody with that id is waiting");
        await this.admitFromLobby(entry!.peer);
        return respond({});
      }
      case "lobbyAdmitAll": {
        this.allow(peer, "admit");
        let admitted = 0;
        for (const entry of this.lobby.entries()) {
          if (entry.reason !== "lobby") continue;
          await this.admitFromLobby(entry.peer);
          admitted++;
        }
        return respond({ admitted });
      }
      case "lobbyDeny": {
        this.allow(peer, "admit");
        const entry = this.lobby.deny(request.data.peerId);
        if (!entry) fail("NOT_FOUND", "nobody with that id is waiting");
        this.notifyLobby();
        respond({});
        return this.room.expel(entry!.peer, CLOSE_CODES.lobbyDenied, "a host declined your request to join");
      }
      case "setCoHost": {
        const target = this.target(peer, request.data.peerId, "setCoHost");
        const { cohost } = request.data;
        if (cohost) this.coHostKeys.add(target.participantKey);
        else this.coHostKeys.delete(target.participantKey);
        if (target.coHost !== cohost) {
          target.coHost = cohost;
          this.broadcast("peerUpdated", { peer: target.info() });
          target.notify("lobbyChanged", { requests: cohost ? this.lobby.requests() : [] });
        }
        return respond({});
      }
      case "endMeeting":
        this.allow(peer, "endMeeting");
        this.room.log.info({ by: peer.id }, "meeting ended for everyone by a host");
        respond({});
        return this.endForAll(`${peer.displayName} ended the meeting for everyone`.slice(0, 120));
      default: {
        const never: never = request;
        fail("UNKNOWN_METHOD", `unknown method "${(never as { method: string }).method}"`);
      }
    }
  }

  private allow(actor: Peer, action: HostAction): void {
    const d = decide(actor.role, action);
    if (!d.ok) fail("FORBIDDEN", d.message);
  }

  /** The joined participant `peerId`, if `actor` may do `action` to them. */
  private target(actor: Peer, peerId: string, action: HostAction): Peer {
    this.allow(actor, action);
    const target = this.room.peers.get(peerId);
    if (!target || !target.joined) fail("NOT_FOUND", `no participant "${peerId}" in this room`);
    const d = decide(actor.role, action, { role: target!.role, self: target === actor });
    if (!d.ok) fail("FORBIDDEN", d.message);
    return target!;
  }

  /** Pauses the target's mic / camera (or stops its screen share) on the server, then tells them. */
  private async mute(target: Peer, source: MediaSource, by: Peer): Promise<void> {
    for (const producer of [...target.producers.values()]) {
      if (producer.appData.source !== source || producer.closed) continue;
      if (source === "screen") this.room.media.closeProducer(target, producer.id);
      else if (!producer.paused) await this.room.media.pauseProducer(target, producer.id);
    }
    if (target.connected) {
      target.notify("mutedByHost", { source, by: by.displayName });
    } else {
      const missed = this.missedMutes.get(target) ?? new Set<MediaSource>();
      missed.add(source);
      this.missedMutes.set(target, missed);
    }
  }

  /**
   * Ends the meeting for everyone: outstanding join tokens are revoked first (nobody comes
   * straight back with one), then every socket closes with `meetingEnded`.
   */
  private async endForAll(reason: string): Promise<void> {
    try {
      await this.gate.endMeeting(this.room.roomId, reason);
    } catch (err) {
      this.room.log.error({ err }, "could not revoke the meeting's join tokens");
    }
    this.room.close(reason, { code: CLOSE_CODES.meetingEnded });
  }

  private async admitFromLobby(peer: Peer): Promise<void> {
    this.lobby.admit(peer.id);
    try {
      await this.room.admit(peer);
    } catch (err) {
      if (this.room.peers.get(peer.id) === peer && !peer.closed) this.lobby.park(peer, "lobby");
      throw err;
    } finally {
      this.notifyLobby();
    }
  }

  // ---- notifications ---------------------------------------------------------------------

  private broadcast<N extends NotificationName>(name: N, data: NotificationData<N>): void {
    for (const p of this.room.joinedPeers()) p.notify(name, data);
  }

  private notifyLobby(): void {
    const requests = this.lobby.requests();
    for (const p of this.room.joinedPeers()) if (p.hasHostRights) p.notify("lobbyChanged", { requests });
  }
}
