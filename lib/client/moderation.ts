// The browser side of hands, reactions and host controls: requests to the server (which
// enforces every permission) and the notifications that come back — role changes, hands in
// the order raised, reactions shown for a few seconds, the lock, the lobby list, and a host
// turning my mic / camera / screen share off (the controls follow what is really sent).
import type { MediaSource, ParticipantRole, Reaction } from "@/lib/signaling/protocol";
import { REACTION_SHOW_MS } from "./moderation-state";
import type { RoomAction } from "./room-state";
import type { SignalingClient } from "./signaling-client";
import type { Signal } from "./transports";

export interface ModerationHost {
  signal: Signal;
  dispatch(action: RoomAction): void;
  selfId(): string | null;
  role(): ParticipantRole;
  handRaised(): boolean;
  notice(message: string): void;
  /** Turns a local source off as if I had clicked it (mic/camera paused, screen share stopped). */
  turnOff(source: MediaSource): Promise<void>;
}

const TURNED_OFF: Record<MediaSource, string> = {
  mic: "muted your microphone",
  camera: "turned your camera off",
  screen: "stopped your screen share",
};

export class ModerationClient {
  private reactionSeq = 0;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly host: ModerationHost) {}

  /** Listens on a new socket; `current()` is false once the session moved to another socket. */
  wire(client: SignalingClient, current: () => boolean): void {
    const { dispatch } = this.host;
    client.on("peerUpdated", ({ peer }) => current() && dispatch({ type: "peerUpdated", peer }));
    client.on("handsChanged", ({ hands }) => current() && dispatch({ type: "hands", hands }));
    client.on("lobbyChanged", ({ requests }) => current() && dispatch({ type: "lobby", requests }));
    client.on("roomLockChanged", ({ locked }) => current() && dispatch({ type: "locked", locked }));
    client.on("reaction", ({ peerId, reaction }) => current() && this.show(peerId, reaction));
    client.on("mutedByHost", ({ source, by }) => {
      if (!current()) return;
      void this.applyHostMute(source);
      this.host.notice(`${by} ${TURNED_OFF[source]}.${source === "screen" ? "" : " You can turn it on again."}`);
    });
  }

  /** A host turned `source` off on the server; mirror it locally (also used after a resume). */
  applyHostMute(source: MediaSource): Promise<void> {
    return this.host.turnOff(source).catch((err) => console.warn(`[room] turning ${source} off failed`, err));
  }

  private show(peerId: string, reaction: Reaction): void {
    const id = ++this.reactionSeq;
    this.host.dispatch({ type: "reaction", reaction: { id, peerId, reaction } });
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.host.dispatch({ type: "reactionExpired", id });
    }, REACTION_SHOW_MS);
    this.timers.add(timer);
  }

  // ---- anyone --------------------------------------------------------------------------

  toggleHand(): Promise<void> {
    return this.host.handRaised() ? this.lowerHand() : this.raiseHand();
  }

  raiseHand(): Promise<void> {
    return this.request("raiseHand", {});
  }

  /** My hand, or (host rights) someone else's. */
  lowerHand(peerId?: string): Promise<void> {
    return this.request("lowerHand", peerId && peerId !== this.host.selfId() ? { peerId } : {});
  }

  react(reaction: Reaction): Promise<void> {
    return this.request("react", { reaction });
  }

  // ---- host controls (the server refuses them without host rights) ---------------------

  mute(peerId: string, source: MediaSource = "mic"): Promise<void> {
    return this.request("muteParticipant", { peerId, source });
  }

  muteAll(): Promise<void> {
    return this.request("muteAll", {});
  }

  remove(peerId: string): Promise<void> {
    return this.request("removeParticipant", { peerId });
  }

  setLocked(locked: boolean): Promise<void> {
    return this.request("setRoomLock", { locked });
  }

  admit(peerId: string): Promise<void> {
    return this.request("lobbyAdmit", { peerId });
  }

  admitAll(): Promise<void> {
    return this.request("lobbyAdmitAll", {});
  }

  deny(peerId: string): Promise<void> {
    return this.request("lobbyDeny", { peerId });
  }

  setCoHost(peerId: string, cohost: boolean): Promise<void> {
    return this.request("setCoHost", { peerId, cohost });
  }

  endMeeting(): Promise<void> {
    return this.request("endMeeting", {});
  }

  /** Sends a request; a refusal becomes a notice (the UI stays as the server says). */
  private async request(method: Parameters<Signal>[0], data: object): Promise<void> {
    try {
      await this.host.signal(method, data as never);
    } catch (err) {
      console.warn(`[room] ${method} failed`, err);
      this.host.notice((err as Error).message || `${method} failed`);
    }
  }

  destroy(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
