// Who enters a room at once and who waits, and the waiting list itself. Pure state (no
// sockets, no timers): RoomModeration applies the decisions and sends the notifications.
//
//   host / co-host                                   -> enter (hosts never wait)
//   removed earlier in this session                  -> lobby (only a host lets them back)
//   was in this session (or admitted) before         -> enter (a reconnect never lands in the lobby)
//   no host yet and "guests may join before the host" is off -> host-absent (enter by themselves
//                                                       when the host arrives, or move to the lobby)
//   waiting room on, or the room locked              -> lobby
//   otherwise                                        -> enter
//
// "This session" is the room's lifetime: the sets below go when the room closes.
import type { LobbyRequest, ParticipantRole, WaitingReason } from "../../lib/signaling/protocol";
import { hasHostRights } from "../../lib/rooms/permissions";

/** A meeting's settings that matter in its room (from the database at each join). */
export type RoomSettings = {
  waitingRoom: boolean;
  joinBeforeHost: boolean;
  /** The scheduled start (ISO, UTC), shown to people waiting for the host. */
  startsAt: string | null;
};

export const DEFAULT_ROOM_SETTINGS: RoomSettings = { waitingRoom: false, joinBeforeHost: true, startsAt: null };

export type Admission = "enter" | WaitingReason;

export type AdmissionInput = {
  role: ParticipantRole;
  /** Someone with host rights is in the room. */
  hostPresent: boolean;
  settings: RoomSettings;
  locked: boolean;
  /** Was in, or was admitted to, this session (and not removed since). */
  admitted: boolean;
  /** A host removed this person in this session. */
  removed: boolean;
};

export function decideAdmission(i: AdmissionInput): Admission {
  if (hasHostRights(i.role)) return "enter";
  if (i.removed) return "lobby";
  if (i.admitted) return "enter";
  if (!i.hostPresent && !i.settings.joinBeforeHost) return "host-absent";
  if (i.settings.waitingRoom || i.locked) return "lobby";
  return "enter";
}

/** What the lobby needs to know about a waiting peer. */
export interface LobbyPeer {
  readonly id: string;
  readonly participantKey: string;
  readonly displayName: string;
}

export type LobbyEntry<P extends LobbyPeer> = {
  peer: P;
  reason: WaitingReason;
  since: number;
  removedEarlier: boolean;
};

export class LobbyState<P extends LobbyPeer> {
  /** peerId -> entry, in arrival order. */
  private readonly waiting = new Map<string, LobbyEntry<P>>();
  private readonly admittedKeys = new Set<string>();
  private readonly removedKeys = new Set<string>();

  decide(participantKey: string, ctx: Omit<AdmissionInput, "admitted" | "removed">): Admission {
    return decideAdmission({
      ...ctx,
      admitted: this.admittedKeys.has(participantKey),
      removed: this.removedKeys.has(participantKey),
    });
  }

  /**
   * Puts `peer` on the waiting list. Returns the entry it replaces: the same person waiting
   * from another window (the caller closes that one), else null.
   */
  park(peer: P, reason: WaitingReason, now = Date.now()): LobbyEntry<P> | null {
    let replaced: LobbyEntry<P> | null = null;
    for (const entry of this.waiting.values()) {
      if (entry.peer !== peer && entry.peer.participantKey === peer.participantKey) replaced = entry;
    }
    if (replaced) this.waiting.delete(replaced.peer.id);
    const previous = this.waiting.get(peer.id);
    this.waiting.set(peer.id, {
      peer,
      reason,
      since: replaced?.since ?? previous?.since ?? now,
      removedEarlier: this.removedKeys.has(peer.participantKey),
    });
    return replaced;
  }

  get(peerId: string): LobbyEntry<P> | undefined {
    return this.waiting.get(peerId);
  }

  entries(): LobbyEntry<P>[] {
    return [...this.waiting.values()];
  }

  /** What hosts see: people in the lobby proper (not those waiting for the host to arrive). */
  requests(): LobbyRequest[] {
    return this.entries()
      .filter((e) => e.reason === "lobby")
      .map((e) => ({
        peerId: e.peer.id,
        displayName: e.peer.displayName,
        since: e.since,
        removedEarlier: e.removedEarlier,
      }));
  }

  /** A host let this person in: they (by participantKey) skip the lobby for the rest of the session. */
  admit(peerId: string): LobbyEntry<P> | null {
    const entry = this.waiting.get(peerId);
    if (!entry) return null;
    this.waiting.delete(peerId);
    this.entered(entry.peer.participantKey);
    return entry;
  }

  deny(peerId: string): LobbyEntry<P> | null {
    const entry = this.waiting.get(peerId);
    if (!entry) return null;
    this.waiting.delete(peerId);
    return entry;
  }

  /** The waiting person left (or their socket closed). True when they were waiting. */
  leave(peerId: string): boolean {
    return this.waiting.delete(peerId);
  }

  /** Entering by any way (directly, admitted, the host arrived) counts as "was in this session". */
  entered(participantKey: string): void {
    this.admittedKeys.add(participantKey);
    this.removedKeys.delete(participantKey);
  }

  removed(participantKey: string): void {
    this.removedKeys.add(participantKey);
    this.admittedKeys.delete(participantKey);
  }

  isRemoved(participantKey: string): boolean {
    return this.removedKeys.has(participantKey);
  }

  /**
   * Someone with host rights is in the room now: those waiting for the host are decided
   * again. Returns who may enter (already off the list) and who moved to the lobby.
   */
  hostArrived(ctx: Omit<AdmissionInput, "admitted" | "removed" | "role" | "hostPresent">): {
    enter: LobbyEntry<P>[];
    toLobby: LobbyEntry<P>[];
  } {
    const enter: LobbyEntry<P>[] = [];
    const toLobby: LobbyEntry<P>[] = [];
    for (const entry of this.entries()) {
      if (entry.reason !== "host-absent") continue;
      const verdict = this.decide(entry.peer.participantKey, { ...ctx, role: "participant", hostPresent: true });
      if (verdict === "enter") {
        this.waiting.delete(entry.peer.id);
        this.entered(entry.peer.participantKey);
        enter.push(entry);
      } else {
        entry.reason = "lobby";
        toLobby.push(entry);
      }
    }
    return { enter, toLobby };
  }
}
