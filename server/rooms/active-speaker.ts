// Who speaks: mediasoup's ActiveSpeakerObserver (the dominant speaker: the speaker layout's
// big tile, always on screen, a higher consumer priority) and AudioLevelObserver (everyone
// above the threshold now: `data-speaking` on their tiles). Both observe the room's primary
// router; mics of peers homed on other routers are piped there, so one observer sees every
// mic of the room. When the primary router's worker dies the observers move to the next
// primary with every mic still alive.
import type { types as ms } from "mediasoup";
import type { Logger } from "../logger";
import type { Peer, ProducerAppData } from "./peer";
import type { LocalRoomRouter } from "./room-router";
import type { RoomRouters } from "./room-routers";

/**
 * -80 dBov (mediasoup-demo's value). mediasoup averages the packets' audio levels (dBov) over
 * each interval: continuous speech lands around -30…-50, a mic that is on in a quiet room
 * with noise suppression and DTX near -127 (DTX packets say silence), and Chromium's fake
 * microphone — a short beep twice a second, silence between — measured -72…-75 here.
 * A muted mic's producer is paused: it sends nothing and is never above any threshold.
 */
export const SPEAKING_THRESHOLD_DBOV = -80;
export const AUDIO_LEVEL_INTERVAL_MS = 500;
/** A speaker stays "speaking" this long after their last loud interval (no flicker between words). */
export const SPEAKING_HOLD_MS = 1_200;

export type Mic = { producer: ms.Producer<ProducerAppData>; home: LocalRoomRouter };

export interface ActiveSpeakerHooks {
  dominantChanged(previous: string | null, next: string | null): void;
  speakingChanged(peerIds: string[]): void;
  /** Every live mic producer of the room with its home router (to re-add after a move). */
  mics(): Mic[];
  log: Logger;
}

type Observers = {
  router: LocalRoomRouter;
  levels: ms.AudioLevelObserver;
  dominant: ms.ActiveSpeakerObserver;
  /** Mic producer ids added (or being added): each once. */
  observed: Set<string>;
};

export class ActiveSpeakers {
  private observers: Observers | null = null;
  private attaching: Promise<Observers | null> | null = null;
  private _dominant: string | null = null;
  private speaking: string[] = [];
  private readonly lastLoud = new Map<string, number>();
  private holdTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly routers: RoomRouters,
    private readonly hooks: ActiveSpeakerHooks,
  ) {
    routers.on("added", () => void this.ensureAttached());
    routers.on("lost", () => void this.ensureAttached());
  }

  get dominant(): string | null {
    return this._dominant;
  }

  get speakingNow(): string[] {
    return this.speaking;
  }

  /** Observes `producer` (a mic living on `home`), piping it to the primary router if needed. */
  async addMic(producer: ms.Producer<ProducerAppData>, home: LocalRoomRouter): Promise<void> {
    const obs = await this.ensureAttached();
    if (!obs || producer.closed || this.closed) return;
    await this.observe(obs, { producer, home });
  }

  /** A peer left: it is no longer the speaker. */
  /** Who speaks now, so a newcomer's speaker layout does not wait for the next change. */
  tellNewcomer(peer: Pick<Peer, "notify">): void {
    if (this._dominant) peer.notify("activeSpeaker", { peerId: this._dominant });
    if (this.speaking.length) peer.notify("speakingPeers", { peerIds: this.speaking });
  }

  peerGone(peerId: string): void {
    this.lastLoud.delete(peerId);
    this.evaluateSpeaking();
    if (this._dominant === peerId) this.setDominant(null);
  }

  close(): void {
    this.closed = true;
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    this.observers = null;
  }

  private async observe(obs: Observers, mic: Mic): Promise<void> {
    if (obs.observed.has(mic.producer.id)) return;
    obs.observed.add(mic.producer.id);
    mic.producer.observer.once("close", () => obs.observed.delete(mic.producer.id));
    try {
      await this.routers.ensureProducerOn(obs.router, mic.home, mic.producer.id);
      if (obs.levels.closed || mic.producer.closed) return;
      await Promise.all([
        obs.levels.addProducer({ producerId: mic.producer.id }),
        obs.dominant.addProducer({ producerId: mic.producer.id }),
      ]);
      this.hooks.log.debug({ producer: mic.producer.id, peer: mic.producer.appData.peerId }, "mic observed");
    } catch (err) {
      if (!mic.producer.closed && !obs.levels.closed) {
        this.hooks.log.warn({ err: (err as Error).message, producer: mic.producer.id }, "cannot observe a mic");
      }
    }
  }

  /** Observers on the current primary router (made there, with every mic, when it changed). */
  private ensureAttached(): Promise<Observers | null> {
    const primary = this.routers.primary;
    if (this.closed || !primary) return Promise.resolve(null);
    if (this.observers && this.observers.router === primary && !primary.closed) return Promise.resolve(this.observers);
    this.attaching ??= this.attach(primary).finally(() => {
      this.attaching = null;
    });
    return this.attaching;
  }

  private async attach(router: LocalRoomRouter): Promise<Observers | null> {
    try {
      const [levels, dominant] = await Promise.all([
        router.router.createAudioLevelObserver({
          maxEntries: 16,
          threshold: SPEAKING_THRESHOLD_DBOV,
          interval: AUDIO_LEVEL_INTERVAL_MS,
        }),
        router.router.createActiveSpeakerObserver({ interval: 300 }),
      ]);
      if (this.closed) return null;
      const obs: Observers = { router, levels, dominant, observed: new Set() };
      levels.on("volumes", (volumes) => {
        this.hooks.log.debug({ volumes: volumes.map((v) => [(v.producer.appData as ProducerAppData).peerId, v.volume]) }, "audio levels");
        this.onVolumes(volumes.map((v) => v.producer.appData as ProducerAppData));
      });
      levels.on("silence", () => this.evaluateSpeaking());
      dominant.on("dominantspeaker", ({ producer }) => {
        this.hooks.log.debug({ peer: (producer.appData as ProducerAppData).peerId }, "dominant speaker");
        this.setDominant((producer.appData as ProducerAppData).peerId);
      });
      this.observers = obs;
      await Promise.all(this.hooks.mics().map((mic) => this.observe(obs, mic)));
      this.hooks.log.debug({ worker: router.workerIndex, mics: obs.observed.size }, "audio observers ready");
      return obs;
    } catch (err) {
      if (!router.closed) this.hooks.log.warn({ err: (err as Error).message }, "cannot create the audio observers");
      return null;
    }
  }

  private onVolumes(speakers: ProducerAppData[]): void {
    const now = Date.now();
    for (const s of speakers) if (s?.peerId) this.lastLoud.set(s.peerId, now);
    this.evaluateSpeaking();
  }

  private evaluateSpeaking(): void {
    if (this.closed) return;
    const now = Date.now();
    let nextExpiry = Infinity;
    const ids: string[] = [];
    for (const [peerId, at] of this.lastLoud) {
      if (now - at > SPEAKING_HOLD_MS) {
        this.lastLoud.delete(peerId);
        continue;
      }
      ids.push(peerId);
      nextExpiry = Math.min(nextExpiry, at + SPEAKING_HOLD_MS - now + 1);
    }
    ids.sort();
    if (ids.length !== this.speaking.length || ids.some((id, i) => id !== this.speaking[i])) {
      this.speaking = ids;
      this.hooks.speakingChanged(ids);
    }
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    if (Number.isFinite(nextExpiry)) {
      this.holdTimer = setTimeout(() => this.evaluateSpeaking(), nextExpiry);
      this.holdTimer.unref();
    }
  }

  private setDominant(peerId: string | null): void {
    if (peerId === this._dominant) return;
    const previous = this._dominant;
    this._dominant = peerId;
    this.hooks.dominantChanged(previous, peerId);
  }
}
