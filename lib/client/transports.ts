// The two WebRtcTransports of a call (send, recv) and their ICE health. A transport outlives
// the signaling socket it was created on: its connect/produce handlers always use the
// session's *current* socket. ICE restarts follow the rule: `disconnected` for 1 s or
// `failed` → restart (again later if it fails again); while signaling is down the restart
// waits for `restartWhereNeeded()` after the reconnect.
import type { Device } from "mediasoup-client";
import type {
  DtlsParameters,
  IceCandidate,
  IceParameters,
  RtpParameters,
  Transport,
} from "mediasoup-client/types";
import type { MediaSource, Method, RequestData, ResponseData, TransportDirection, VideoLayer } from "@/lib/signaling/protocol";
import { countRecovery } from "./recovery-log";
import { deferred } from "./deferred";

/** A request on whatever signaling socket is current; rejects when there is none. */
export type Signal = <M extends Method>(method: M, data: RequestData<M>) => Promise<ResponseData<M>>;

/** `videoLayers`: the picture size of each spatial layer (per-viewer layers on the server). */
export type SendAppData = { source: MediaSource; videoLayers?: VideoLayer[] };

export const ICE_DISCONNECTED_RESTART_MS = 1_000;
/** Restarts of one transport are at least this far apart (a flapping link must not storm). */
const MIN_RESTART_SPACING_MS = 2_000;

/** How long a "connected" transport may stay silent after a reconnect before its path counts as dead. */
const RECEIVE_PROBE_MS = 1_000;

/** When the selected candidate pair last received a (non-STUN) packet, or null if unknown. */
async function lastReceived(transport: Transport): Promise<number | null> {
  try {
    const report = await transport.getStats();
    let pairId: string | undefined;
    report.forEach((s: { type: string; selectedCandidatePairId?: string }) => {
      if (s.type === "transport" && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
    });
    const pair = pairId ? (report.get(pairId) as { lastPacketReceivedTimestamp?: number } | undefined) : undefined;
    return typeof pair?.lastPacketReceivedTimestamp === "number" ? pair.lastPacketReceivedTimestamp : null;
  } catch {
    return null;
  }
}

/** True once a packet arrives on the transport's path within `ms` (media, RTCP, feedback). */
async function receivesWithin(transport: Transport, ms: number): Promise<boolean> {
  const first = await lastReceived(transport);
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && !transport.closed) {
    await new Promise((r) => setTimeout(r, 150));
    const now = await lastReceived(transport);
    if (now !== null && (first === null || now > first)) return true;
  }
  return false;
}

export interface TransportHooks {
  /** True while a signaling socket is open (an ICE restart needs it). */
  canSignal(): boolean;
  /** Timing marks for join metrics. */
  mark(name: string): void;
  /** Any transport changed state (the UI shows "reconnecting" while media is down). */
  onHealthChange(healthy: boolean): void;
}

type Watched = {
  transport: Transport;
  disconnectedTimer: ReturnType<typeof setTimeout> | null;
  lastRestartAt: number;
  needsRestart: boolean;
};

export class MediaTransports {
  private sendT: Transport | null = null;
  private recvT: Transport | null = null;
  private send = deferred<Transport | null>();
  private recv = deferred<Transport | null>();
  private creating: Promise<void> | null = null;
  /** Bumped by closeAll(): a creation still in flight from before must not install its transports. */
  private generation = 0;
  private readonly watched = new Map<TransportDirection, Watched>();

  constructor(
    private readonly device: Device,
    private readonly signal: Signal,
    private readonly hooks: TransportHooks,
  ) {}

  /** Resolves with the send transport, or null if this set is torn down first. */
  whenSend(): Promise<Transport | null> {
    return this.send.promise;
  }

  whenRecv(): Promise<Transport | null> {
    return this.recv.promise;
  }

  get created(): boolean {
    return this.creating !== null;
  }

  /** The live transports (diagnostics read their stats). */
  current(): { send?: Transport; recv?: Transport } {
    return {
      ...(this.sendT && !this.sendT.closed ? { send: this.sendT } : {}),
      ...(this.recvT && !this.recvT.closed ? { recv: this.recvT } : {}),
    };
  }

  /** Ids of the live transports, for comparing with what the server still has. */
  ids(): Partial<Record<TransportDirection, string>> {
    return {
      ...(this.sendT && !this.sendT.closed ? { send: this.sendT.id } : {}),
      ...(this.recvT && !this.recvT.closed ? { recv: this.recvT.id } : {}),
    };
  }

  /** Creates both transports (in parallel); the recv one is usable as soon as its reply lands. */
  create(): Promise<void> {
    this.creating ??= this.doCreate().catch((err) => {
      this.creating = null;
      throw err;
    });
    return this.creating;
  }

  private async doCreate(): Promise<void> {
    const gen = this.generation;
    const recvP = this.signal("createTransport", { direction: "recv" });
    const sendP = this.signal("createTransport", { direction: "send" });
    sendP.catch(() => {});
    const recvInfo = await recvP;
    if (gen !== this.generation) return;
    this.recvT = this.make("recv", recvInfo);
    this.recv.resolve(this.recvT);
    this.preconnect(this.recvT);
    const sendInfo = await sendP;
    if (gen !== this.generation) return;
    this.sendT = this.make("send", sendInfo);
    this.send.resolve(this.sendT);
  }

  private make(direction: TransportDirection, info: ResponseData<"createTransport">): Transport {
    const options = {
      id: info.id,
      iceParameters: info.iceParameters as IceParameters,
      iceCandidates: info.iceCandidates as unknown as IceCandidate[],
      dtlsParameters: info.dtlsParameters as DtlsParameters,
      // TURN with time-limited credentials when the server has TURN_URLS (strict firewalls)
      ...(info.iceServers?.length ? { iceServers: info.iceServers as RTCIceServer[] } : {}),
    };
    const transport =
      direction === "send" ? this.device.createSendTransport(options) : this.device.createRecvTransport(options);
    transport.on("connect", ({ dtlsParameters }, callback, errback) => {
      this.signal("connectTransport", { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
    });
    if (direction === "send") {
      transport.on("produce", ({ kind, rtpParameters, appData }, callback, errback) => {
        const { source, videoLayers } = appData as SendAppData;
        this.signal("produce", { transportId: transport.id, kind, rtpParameters, source, ...(videoLayers ? { videoLayers } : {}) })
          .then(({ producerId }) => callback({ id: producerId }), errback);
      });
    }
    this.watchSetup(transport);
    const w: Watched = { transport, disconnectedTimer: null, lastRestartAt: 0, needsRestart: false };
    this.watched.set(direction, w);
    transport.on("connectionstatechange", (state) => {
      this.hooks.mark(`${direction}:${state}`);
      if (w.disconnectedTimer) clearTimeout(w.disconnectedTimer);
      w.disconnectedTimer = null;
      if (state === "connected") {
        w.needsRestart = false;
      } else if (state === "disconnected") {
        w.disconnectedTimer = setTimeout(() => void this.restart(w), ICE_DISCONNECTED_RESTART_MS);
      } else if (state === "failed") {
        void this.restart(w);
      }
      this.hooks.onHealthChange(this.healthy());
    });
    return transport;
  }

  /**
   * Set-up timing marks for the diagnostics: ICE gathering, and — from the first sender's or
   * receiver's RTCDtlsTransport — ICE connectivity and the DTLS handshake separately (the
   * transport's own connectionState only says when both are done).
   */
  private watchSetup(transport: Transport): void {
    const dir = transport.direction;
    transport.on("icegatheringstatechange", (state) => this.hooks.mark(`${dir}:iceGathering:${state}`));
    let watching = false;
    const watch = (dtls: RTCDtlsTransport | null | undefined) => {
      if (!dtls || watching) return;
      watching = true;
      const ice = dtls.iceTransport;
      const markIce = () => this.hooks.mark(`${dir}:ice:${ice.state}`);
      const markDtls = () => this.hooks.mark(`${dir}:dtls:${dtls.state}`);
      markIce();
      markDtls();
      ice.addEventListener("statechange", markIce);
      dtls.addEventListener("statechange", markDtls);
    };
    transport.observer.on("newproducer", (p) => watch(p.rtpSender?.transport));
    transport.observer.on("newconsumer", (c) => watch(c.rtpReceiver?.transport));
  }

  /** False while a transport is disconnected or failed (media is not flowing). */
  healthy(): boolean {
    for (const { transport } of this.watched.values()) {
      const s = transport.connectionState;
      if (!transport.closed && (s === "disconnected" || s === "failed")) return false;
    }
    return true;
  }

  /** `force`: even if the browser says "connected" (its path is known to be dead). */
  private async restart(w: Watched, force = false): Promise<void> {
    const { transport } = w;
    if (transport.closed || (!force && transport.connectionState === "connected")) return;
    if (!this.hooks.canSignal()) {
      w.needsRestart = true; // done by restartWhereNeeded() once signaling is back
      return;
    }
    const wait = w.lastRestartAt + MIN_RESTART_SPACING_MS - Date.now();
    if (wait > 0) {
      w.disconnectedTimer = setTimeout(() => void this.restart(w, force), wait);
      return;
    }
    w.lastRestartAt = Date.now();
    w.needsRestart = false;
    try {
      const { iceParameters } = await this.signal("restartIce", { transportId: transport.id });
      if (!transport.closed) await transport.restartIce({ iceParameters: iceParameters as IceParameters });
      this.hooks.mark(`iceRestart:${transport.direction}`);
      countRecovery("iceRestarts");
    } catch (err) {
      console.warn(`[room] ICE restart (${transport.direction}) failed`, err);
      w.needsRestart = true;
    }
  }

  /**
   * After signaling came back: restart ICE where the path is not known to work. `all`: the
   * client's address changed (the server saw the new socket come from elsewhere), so every
   * path is dead even if the browser still says "connected". Otherwise a transport that is
   * not connected restarts at once, and a "connected" one only if nothing at all arrives
   * on it for a second (e.g. behind the same NAT on a new local network).
   */
  async restartWhereNeeded({ all = false }: { all?: boolean } = {}): Promise<void> {
    await Promise.all(
      [...this.watched.values()].map(async (w) => {
        if (w.transport.closed) return;
        const stale =
          all ||
          w.needsRestart ||
          w.transport.connectionState !== "connected" ||
          !(await receivesWithin(w.transport, RECEIVE_PROBE_MS));
        if (!stale || w.transport.closed) return;
        w.lastRestartAt = 0;
        await this.restart(w, true);
      }),
    );
  }

  /**
   * ICE + DTLS of the recv transport normally start with the first real consumer, i.e.
   * after the click. A placeholder consumer (an audio m-section no RTP will ever match)
   * makes the browser connect the transport during pre-join instead, so the first remote
   * frame only waits for `join` + consumer set-up. It stays (inert) until the transport
   * closes: as the first m-section it could only be disabled, not removed.
   */
  private preconnect(recv: Transport): void {
    const opus = this.device.rtpCapabilities.codecs?.find((c) => c.mimeType.toLowerCase() === "audio/opus");
    if (!opus || opus.preferredPayloadType === undefined) return;
    const rtpParameters: RtpParameters = {
      mid: "warmup",
      codecs: [
        {
          mimeType: opus.mimeType,
          payloadType: opus.preferredPayloadType,
          clockRate: opus.clockRate,
          channels: opus.channels,
          parameters: {},
          rtcpFeedback: [],
        },
      ],
      headerExtensions: [],
      encodings: [{ ssrc: 1 + Math.floor(Math.random() * 0x7ffffffe) }],
      rtcp: { cname: "warmup", reducedSize: true },
    };
    recv
      .consume({ id: "warmup", producerId: "warmup", kind: "audio", rtpParameters })
      .then(() => this.hooks.mark("preconnected"))
      .catch((err) => console.warn("[room] recv transport pre-connect failed (harmless)", err));
  }

  /** The live recv transport (for receive-quality stats), or null. */
  recvTransport(): Transport | null {
    return this.recvT && !this.recvT.closed ? this.recvT : null;
  }

  /** Closes both transports (their producers and consumers with them); ready for create() again. */
  closeAll(): void {
    for (const w of this.watched.values()) if (w.disconnectedTimer) clearTimeout(w.disconnectedTimer);
    this.watched.clear();
    this.creating = null;
    this.generation++;
    this.sendT?.close();
    this.recvT?.close();
    this.sendT = this.recvT = null;
    this.send.resolve(null);
    this.recv.resolve(null);
    this.send = deferred();
    this.recv = deferred();
    this.hooks.onHealthChange(true);
  }
}
