// One meeting session in the browser: signaling, mediasoup-client Device, transports,
// producers, consumers, local capture and the participant list, exposed as an immutable
// state snapshot (for useSyncExternalStore) plus imperative actions.
//
// Join latency is the design driver. Everything that does not need the user's click is
// done while the pre-join screen is shown (socket, token, router caps, device.load, both
// transports), so that the click costs one `join` round trip before consumers arrive.
import { Device } from "mediasoup-client";
import type {
  Consumer,
  DtlsParameters,
  IceCandidate,
  IceParameters,
  Producer,
  RtpCapabilities,
  RtpCodecCapability,
  RtpParameters,
  Transport,
} from "mediasoup-client/types";
import type {
  MediaKind,
  MediaSource,
  NotificationData,
  PeerInfo,
  PeerQuality,
  ResponseData,
} from "@/lib/signaling/protocol";
import { SignalingClient, SignalingRequestError, type CloseInfo } from "./signaling-client";
import { JOIN_TOKEN_MAX_AGE_MS, JoinTokenError, fetchJoinToken, type JoinToken } from "./join-token";
import { captureOne, captureScreen, captureUserMedia, deviceStatusText, type DeviceStatus } from "./local-media";

export type Phase = "prejoin" | "joining" | "joined" | "left" | "disconnected";
/**
 * Pre-join warm-up: socket + token + router caps + device + transports.
 * "needs-name": guests get a token only with a display name, so it waits for one.
 */
export type WarmupStatus = "idle" | "connecting" | "needs-name" | "ready" | "error";
export type RoomErrorKind =
  | "unreachable"
  | "invalid-link"
  | "sign-in"
  | "room-full"
  | "disconnected"
  | "unsupported"
  | "unknown";

export interface RoomError {
  kind: RoomErrorKind;
  message: string;
}

export interface Participant {
  id: string;
  displayName: string;
  isHost: boolean;
}

/** One consumed remote track. */
export interface RemoteMedia {
  consumerId: string;
  producerId: string;
  peerId: string;
  kind: MediaKind;
  source: MediaSource;
  track: MediaStreamTrack;
  stream: MediaStream;
  /** The remote producer is paused (camera off / mic muted). */
  paused: boolean;
}

export interface LocalMediaState {
  cameraOn: boolean;
  micOn: boolean;
  screenOn: boolean;
  cameraStatus: DeviceStatus;
  micStatus: DeviceStatus;
  /** Own camera for the preview / self tile (null when no camera track). */
  cameraStream: MediaStream | null;
  screenStream: MediaStream | null;
  /** A toggle is in flight; the button ignores clicks meanwhile. */
  busy: { camera: boolean; mic: boolean; screen: boolean };
}

export interface RoomState {
  roomId: string;
  phase: Phase;
  warmup: WarmupStatus;
  /** Blocking error: shown on the pre-join screen, or the disconnected screen. */
  error: RoomError | null;
  /** Non-blocking message in the room (e.g. screen share failed). */
  notice: string | null;
  selfId: string | null;
  isHost: boolean;
  displayName: string;
  /** Remote participants in join order. */
  participants: Participant[];
  media: RemoteMedia[];
  quality: Record<string, PeerQuality>;
  local: LocalMediaState;
}

export interface RoomSessionOptions {
  roomId: string;
  inviteToken?: string;
  /** Initial pre-join toggles. */
  camera?: boolean;
  mic?: boolean;
  /** Name used for the early token fetch (the join request carries the final one). */
  displayName?: string;
}

type SendAppData = { source: MediaSource };

const CAMERA_MAX_BITRATE = 800_000;
const SCREEN_MAX_BITRATE = 1_500_000;

/** Join timing marks (ms since the join click), also exposed as window.__meetMetrics. */
export type JoinMetrics = Record<string, number>;

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export class RoomSession {
  private state: RoomState;
  private readonly listeners = new Set<() => void>();
  private readonly opts: RoomSessionOptions;

  private client: SignalingClient | null = null;
  private device: Device | null = null;
  private token: JoinToken | null = null;
  private tokenPromise: Promise<JoinToken> | null = null;
  private warmupPromise: Promise<void> | null = null;

  private sendTransport: Transport | null = null;
  private recvTransport: Transport | null = null;
  /** Resolves with the recv transport (or null if this connection is torn down). */
  private recv = deferred<Transport | null>();
  private send = deferred<Transport | null>();
  private transportsStarted = false;

  private cameraTrack: MediaStreamTrack | null = null;
  private micTrack: MediaStreamTrack | null = null;
  private screenTrack: MediaStreamTrack | null = null;
  private producers: { camera: Producer | null; mic: Producer | null; screen: Producer | null } = {
    camera: null,
    mic: null,
    screen: null,
  };
  private readonly producing = { camera: false, mic: false };
  private readonly consumers = new Map<string, Consumer>();
  /** Consumers announced by the server whose consume() has not finished yet. */
  private readonly pendingConsumers = new Set<string>();
  /** Pause/close notices that arrived while the consumer was still being created. */
  private readonly earlyConsumerEvents = new Map<string, "paused" | "resumed" | "closed">();

  private nameWaiter: ReturnType<typeof deferred<void>> | null = null;
  private nameTimer: ReturnType<typeof setTimeout> | null = null;
  private joinStartedAt = 0;
  private metrics: JoinMetrics = {};

  private destroyed = false;
  private previewStarted = false;
  private rewarmTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(opts: RoomSessionOptions) {
    this.opts = opts;
    this.state = {
      roomId: opts.roomId,
      phase: "prejoin",
      warmup: "idle",
      error: null,
      notice: null,
      selfId: null,
      isHost: false,
      displayName: opts.displayName ?? "",
      participants: [],
      media: [],
      quality: {},
      local: {
        cameraOn: opts.camera ?? true,
        micOn: opts.mic ?? true,
        screenOn: false,
        cameraStatus: opts.camera === false ? "off" : "pending",
        micStatus: opts.mic === false ? "off" : "pending",
        cameraStream: null,
        screenStream: null,
        busy: { camera: false, mic: false, screen: false },
      },
    };
  }

  // ---- store interface ----------------------------------------------------------------

  getState = (): RoomState => this.state;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  private set(patch: Partial<RoomState>): void {
    if (this.destroyed) return;
    this.state = { ...this.state, ...patch };
    for (const fn of [...this.listeners]) fn();
  }

  private setLocal(patch: Partial<LocalMediaState>): void {
    this.set({ local: { ...this.state.local, ...patch } });
  }

  private setBusy(kind: keyof LocalMediaState["busy"], value: boolean): void {
    this.setLocal({ busy: { ...this.state.local.busy, [kind]: value } });
  }

  // ---- pre-join -----------------------------------------------------------------------

  /** Starts the camera/mic preview and the network warm-up, in parallel. */
  start(): void {
    if (!this.previewStarted) {
      this.previewStarted = true;
      void this.startPreview();
    }
    this.warmUp().catch(() => {
      // state.error already says what went wrong
    });
  }

  /** Retry after "server unreachable" and similar. */
  retry(): void {
    this.set({ error: null });
    this.warmupPromise = null;
    this.warmUp().catch(() => {});
  }

  private async startPreview(): Promise<void> {
    const { cameraOn, micOn } = this.state.local;
    const res = await captureUserMedia({ camera: cameraOn, mic: micOn });
    if (this.destroyed) {
      res.camera?.stop();
      res.mic?.stop();
      return;
    }
    // The user may have switched a device off while the prompt was open.
    if (res.camera && !this.state.local.cameraOn) {
      res.camera.stop();
      res.camera = null;
      res.cameraStatus = "off";
    }
    if (res.mic && !this.state.local.micOn) {
      res.mic.stop();
      res.mic = null;
      res.micStatus = "off";
    }
    this.setCameraTrack(res.camera);
    this.micTrack = res.mic;
    this.setLocal({
      cameraStatus: res.cameraStatus,
      micStatus: res.micStatus,
      cameraOn: !!res.camera,
      micOn: !!res.mic,
    });
    // Joined while the permission prompt was open: publish now.
    if (this.state.phase === "joined") {
      if (res.camera) void this.produceCamera();
      if (res.mic) void this.produceMic();
    }
  }

  private setCameraTrack(track: MediaStreamTrack | null): void {
    this.cameraTrack = track;
    this.setLocal({ cameraStream: track ? new MediaStream([track]) : null });
  }

  private warmUp(): Promise<void> {
    if (this.warmupPromise) return this.warmupPromise;
    const p = this.doWarmUp();
    this.warmupPromise = p;
    p.catch(() => {
      if (this.warmupPromise === p) this.warmupPromise = null;
    });
    return p;
  }

  private async doWarmUp(): Promise<void> {
    this.closeConnection();
    const client = new SignalingClient();
    this.client = client;
    this.set({ warmup: "connecting" });
    this.attach(client);
    // Device detection + load run alongside the network round trips.
    const devicePromise = Device.factory();
    devicePromise.catch(() => {});
    try {
      const [, token] = await Promise.all([client.connect(), this.tokenForWarmUp()]);
      const { routerRtpCapabilities } = await client.request("getRouterRtpCapabilities", {
        roomId: this.opts.roomId,
        token: token.token,
      });
      const device = await devicePromise;
      await device.load({ routerRtpCapabilities: routerRtpCapabilities as RtpCapabilities });
      if (client !== this.client) return;
      this.device = device;
      // Best effort: if the server wants `join` first, this is redone right after joining.
      this.startTransports(client).catch((err) => {
        console.warn("[room] pre-join transport creation failed; retrying after join", err);
        this.transportsStarted = false;
      });
      this.set({ warmup: "ready" });
    } catch (err) {
      if (client !== this.client) throw err;
      this.closeConnection();
      this.set({ warmup: "error", error: describeError(err) });
      throw err;
    }
  }

  /** Like freshToken(), but a guest without a name waits for one instead of failing. */
  private async tokenForWarmUp(): Promise<JoinToken> {
    for (;;) {
      try {
        return await this.freshToken();
      } catch (err) {
        const needsName =
          err instanceof JoinTokenError &&
          err.status === 400 &&
          (err.code === "display_name_required" || !this.state.displayName.trim());
        if (!needsName || this.destroyed) throw err;
        this.set({ warmup: "needs-name" });
        this.nameWaiter ??= deferred<void>();
        await this.nameWaiter.promise;
        this.set({ warmup: "connecting" });
      }
    }
  }

  private releaseNameWaiter(): void {
    if (this.nameTimer) clearTimeout(this.nameTimer);
    this.nameTimer = null;
    const w = this.nameWaiter;
    this.nameWaiter = null;
    w?.resolve();
  }

  private freshToken(): Promise<JoinToken> {
    if (this.token && Date.now() - this.token.fetchedAt < JOIN_TOKEN_MAX_AGE_MS) return Promise.resolve(this.token);
    if (!this.tokenPromise) {
      this.tokenPromise = fetchJoinToken(this.opts.roomId, {
        displayName: this.state.displayName.trim() || undefined,
        inviteToken: this.opts.inviteToken,
      })
        .then((t) => {
          this.token = t;
          // Signed-in users: prefill the name the server knows, unless one was typed.
          if (t.name && !this.state.displayName.trim() && this.state.phase === "prejoin") {
            this.set({ displayName: t.name });
          }
          return t;
        })
        .finally(() => {
          this.tokenPromise = null;
        });
    }
    return this.tokenPromise;
  }

  /** Creates both transports in parallel; the recv one is usable as soon as its reply lands. */
  private async startTransports(client: SignalingClient): Promise<void> {
    if (this.transportsStarted) return;
    this.transportsStarted = true;
    const recvP = client.request("createTransport", { direction: "recv" });
    const sendP = client.request("createTransport", { direction: "send" });
    sendP.catch(() => {});
    const recvInfo = await recvP;
    if (client !== this.client || !this.device) return;
    this.recvTransport = this.makeTransport(client, "recv", recvInfo);
    this.recv.resolve(this.recvTransport);
    this.preconnect(this.recvTransport);
    const sendInfo = await sendP;
    if (client !== this.client || !this.device) return;
    this.sendTransport = this.makeTransport(client, "send", sendInfo);
    this.send.resolve(this.sendTransport);
  }

  /**
   * ICE + DTLS of the recv transport normally start with the first real consumer, i.e.
   * after the click. A placeholder consumer (an audio m-section no RTP will ever match)
   * makes the browser connect the transport during pre-join instead, so the first remote
   * frame only waits for `join` + consumer set-up. It stays (inert) until the transport
   * closes: as the first m-section it could only be disabled, not removed.
   */
  private preconnect(recv: Transport): void {
    const opus = this.device?.rtpCapabilities.codecs?.find((c) => c.mimeType.toLowerCase() === "audio/opus");
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
      .then(() => this.mark("preconnected"))
      .catch((err) => console.warn("[room] recv transport pre-connect failed (harmless)", err));
  }

  private makeTransport(
    client: SignalingClient,
    direction: "send" | "recv",
    info: ResponseData<"createTransport">,
  ): Transport {
    const device = this.device!;
    const options = {
      id: info.id,
      iceParameters: info.iceParameters as IceParameters,
      iceCandidates: info.iceCandidates as unknown as IceCandidate[],
      dtlsParameters: info.dtlsParameters as DtlsParameters,
    };
    const transport = direction === "send" ? device.createSendTransport(options) : device.createRecvTransport(options);
    transport.on("connect", ({ dtlsParameters }, callback, errback) => {
      client.request("connectTransport", { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
    });
    if (direction === "send") {
      transport.on("produce", ({ kind, rtpParameters, appData }, callback, errback) => {
        const source = (appData as SendAppData).source;
        client
          .request("produce", { transportId: transport.id, kind, rtpParameters, source })
          .then(({ producerId }) => callback({ id: producerId }), errback);
      });
    }
    let iceRestarted = false;
    transport.on("connectionstatechange", (state) => {
      this.mark(`${direction}:${state}`);
      if (state === "failed" && !iceRestarted && client.state === "open") {
        iceRestarted = true;
        client
          .request("restartIce", { transportId: transport.id })
          .then(({ iceParameters }) => transport.restartIce({ iceParameters: iceParameters as IceParameters }))
          .catch((err) => console.warn(`[room] ICE restart (${direction}) failed`, err));
      } else if (state === "connected") {
        iceRestarted = false;
      }
    });
    return transport;
  }

  // ---- joining ------------------------------------------------------------------------

  /**
   * Joins the room. `camera: false` / `mic: false` join without that device
   * (the "audio-only" / "view only" choices).
   */
  async join(displayName: string, opts: { camera?: boolean; mic?: boolean } = {}): Promise<void> {
    if (this.state.phase === "joining" || this.state.phase === "joined" || this.destroyed) return;
    const name = displayName.trim();
    this.joinStartedAt = performance.now();
    this.metrics = {};
    exposeMetrics(this.metrics);
    this.set({ phase: "joining", error: null, displayName: name });
    this.releaseNameWaiter();
    if (opts.camera === false) this.releaseCamera();
    if (opts.mic === false) this.releaseMic();
    try {
      if (this.state.warmup !== "ready" || this.client?.state !== "open") {
        if (this.state.warmup === "error") this.warmupPromise = null;
        await this.warmUp();
      }
      const client = this.client;
      const device = this.device;
      if (!client || !device || client.state !== "open") {
        throw new SignalingRequestError("DISCONNECTED", "connection lost while joining", "join");
      }
      const token = await this.freshToken();
      this.mark("joinSent");
      const res = await client.request("join", {
        roomId: this.opts.roomId,
        token: token.token,
        displayName: name,
        rtpCapabilities: device.rtpCapabilities,
      });
      if (client !== this.client) return;
      this.mark("joinReply");
      this.mark("joinReplyArrived", client.frameTimeStamp);
      this.set({
        phase: "joined",
        selfId: res.peerId,
        isHost: res.isHost,
        participants: mergePeers(
          this.state.participants,
          res.peers.filter((p) => p.id !== res.peerId),
        ),
      });
      // Receiving is already set up (recv transport exists, newConsumer is handled as it
      // arrives); now publish the preview tracks.
      if (!this.transportsStarted) await this.startTransports(client);
      // On a 2-core machine our encoder start-up competes with decoding the first remote
      // frames, so let the consumers the server is about to announce get set up first.
      const expected = res.peers.reduce((n, p) => n + p.producers.length, 0);
      await this.waitForConsumers(expected, 300);
      if (client !== this.client) return;
      this.mark("publish");
      void this.produceCamera();
      void this.produceMic();
    } catch (err) {
      if (this.destroyed) return;
      console.warn("[room] join failed", err);
      // The socket may be in an unknown state: warm up again on the next attempt.
      this.warmupPromise = null;
      this.closeConnection();
      this.set({ phase: "prejoin", warmup: "idle", error: describeError(err) });
    }
  }

  /** Resolves once `count` consumers exist, or after `timeoutMs`. */
  private waitForConsumers(count: number, timeoutMs: number): Promise<void> {
    if (this.consumers.size >= count) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const check = () => {
        if (this.consumers.size >= count) done();
      };
      const unsubscribe = this.subscribe(check);
      function done() {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      }
    });
  }

  private async produceCamera(): Promise<void> {
    const track = this.cameraTrack;
    if (!track || this.producers.camera || this.producing.camera) return;
    if (this.state.phase !== "joined" || !this.state.local.cameraOn) return;
    this.producing.camera = true;
    try {
      const send = await this.send.promise;
      if (!send || send.closed || track !== this.cameraTrack) return;
      track.enabled = true;
      const producer = await send.produce<SendAppData>({
        track,
        codec: this.findCodec("video/vp8"),
        encodings: [{ maxBitrate: CAMERA_MAX_BITRATE }],
        codecOptions: { videoGoogleStartBitrate: 600 },
        stopTracks: false,
        appData: { source: "camera" },
      });
      this.producers.camera = producer;
      // Switched off while publishing: pause right away.
      if (!this.state.local.cameraOn) await this.pauseProducer(producer);
    } catch (err) {
      console.error("[room] camera publish failed", err);
      this.set({ notice: "Your camera could not be published." });
    } finally {
      this.producing.camera = false;
    }
  }

  private async produceMic(): Promise<void> {
    const track = this.micTrack;
    if (!track || this.producers.mic || this.producing.mic) return;
    if (this.state.phase !== "joined" || !this.state.local.micOn) return;
    this.producing.mic = true;
    try {
      const send = await this.send.promise;
      if (!send || send.closed || track !== this.micTrack) return;
      track.enabled = true;
      const producer = await send.produce<SendAppData>({
        track,
        codecOptions: { opusDtx: true, opusFec: true },
        stopTracks: false,
        appData: { source: "mic" },
      });
      this.producers.mic = producer;
      if (!this.state.local.micOn) await this.pauseProducer(producer);
    } catch (err) {
      console.error("[room] microphone publish failed", err);
      this.set({ notice: "Your microphone could not be published." });
    } finally {
      this.producing.mic = false;
    }
  }

  private findCodec(mimeType: string): RtpCodecCapability | undefined {
    return this.device?.sendRtpCapabilities.codecs?.find((c) => c.mimeType.toLowerCase() === mimeType);
  }

  // ---- notifications ------------------------------------------------------------------

  private attach(client: SignalingClient): void {
    client.on("newConsumer", (d) => void this.onNewConsumer(client, d));
    client.on("consumerClosed", ({ consumerId }) => this.onConsumerGone(consumerId));
    client.on("consumerPaused", ({ consumerId }) => this.setConsumerPaused(consumerId, true));
    client.on("consumerResumed", ({ consumerId }) => this.setConsumerPaused(consumerId, false));
    client.on("peerJoined", ({ peer }) => {
      if (peer.id === this.state.selfId) return;
      this.set({ participants: mergePeers(this.state.participants, [peer]) });
    });
    client.on("peerLeft", ({ peerId }) => this.onPeerLeft(peerId));
    client.on("qualityUpdate", ({ peers }) => {
      const quality: Record<string, PeerQuality> = {};
      for (const q of peers) quality[q.peerId] = q;
      this.set({ quality });
    });
    client.onClose((info) => this.onSocketClosed(client, info));
  }

  private async onNewConsumer(client: SignalingClient, d: NotificationData<"newConsumer">): Promise<void> {
    this.mark(`newConsumer:${d.kind}`);
    this.mark(`newConsumerArrived:${d.kind}`, client.frameTimeStamp);
    this.pendingConsumers.add(d.consumerId);
    try {
      await this.consumeAnnounced(client, d);
    } finally {
      this.pendingConsumers.delete(d.consumerId);
      this.earlyConsumerEvents.delete(d.consumerId);
    }
  }

  private async consumeAnnounced(client: SignalingClient, d: NotificationData<"newConsumer">): Promise<void> {
    const recv = await this.recv.promise;
    if (!recv || recv.closed || client !== this.client) return;
    let consumer: Consumer;
    try {
      consumer = await recv.consume({
        id: d.consumerId,
        producerId: d.producerId,
        kind: d.kind,
        rtpParameters: d.rtpParameters as unknown as RtpParameters,
        // One MediaStream id per peer lets the browser lip-sync its audio and video.
        streamId: `${d.peerId}-${d.source === "screen" ? "screen" : "av"}`,
        appData: { peerId: d.peerId, source: d.source },
      });
    } catch (err) {
      console.error("[room] consume failed", d, err);
      return;
    }
    const early = this.earlyConsumerEvents.get(d.consumerId);
    if (early === "closed" || client !== this.client) {
      consumer.close();
      return;
    }
    this.consumers.set(consumer.id, consumer);
    this.mark(`consumed:${d.kind}`);
    // The server created it paused so no packet is lost before we are ready.
    client.request("resumeConsumer", { consumerId: consumer.id }).catch((err) => {
      console.warn("[room] resumeConsumer failed", err);
    });
    const paused = early ? early === "paused" : d.producerPaused;
    const media: RemoteMedia = {
      consumerId: consumer.id,
      producerId: d.producerId,
      peerId: d.peerId,
      kind: d.kind,
      source: d.source,
      track: consumer.track,
      stream: new MediaStream([consumer.track]),
      paused,
    };
    this.set({ media: [...this.state.media.filter((m) => m.consumerId !== media.consumerId), media] });
  }

  private onConsumerGone(consumerId: string): void {
    const consumer = this.consumers.get(consumerId);
    if (!consumer) {
      if (this.pendingConsumers.has(consumerId)) this.earlyConsumerEvents.set(consumerId, "closed");
      return;
    }
    this.consumers.delete(consumerId);
    consumer.close();
    this.set({ media: this.state.media.filter((m) => m.consumerId !== consumerId) });
  }

  private setConsumerPaused(consumerId: string, paused: boolean): void {
    if (!this.consumers.has(consumerId)) {
      if (this.pendingConsumers.has(consumerId) && this.earlyConsumerEvents.get(consumerId) !== "closed") {
        this.earlyConsumerEvents.set(consumerId, paused ? "paused" : "resumed");
      }
      return;
    }
    this.set({
      media: this.state.media.map((m) => (m.consumerId === consumerId ? { ...m, paused } : m)),
    });
  }

  private onPeerLeft(peerId: string): void {
    for (const m of this.state.media) {
      if (m.peerId !== peerId) continue;
      this.consumers.get(m.consumerId)?.close();
      this.consumers.delete(m.consumerId);
    }
    const quality = { ...this.state.quality };
    delete quality[peerId];
    this.set({
      participants: this.state.participants.filter((p) => p.id !== peerId),
      media: this.state.media.filter((m) => m.peerId !== peerId),
      quality,
    });
  }

  private onSocketClosed(client: SignalingClient, info: CloseInfo): void {
    if (client !== this.client || info.byClient || this.destroyed) return;
    const phase = this.state.phase;
    this.warmupPromise = null;
    this.closeConnection();
    if (phase === "joined") {
      this.stopAllLocal();
      this.set({
        phase: "disconnected",
        warmup: "idle",
        error: { kind: "disconnected", message: "The connection to the meeting was lost." },
      });
    } else if (phase === "prejoin") {
      // E.g. server restart or idle timeout while the user looks at the preview:
      // warm up again quietly; a failure shows up as a pre-join error.
      this.set({ warmup: "idle" });
      this.rewarmTimer = setTimeout(() => {
        this.rewarmTimer = null;
        if (this.state.phase === "prejoin" && this.state.warmup === "idle") this.warmUp().catch(() => {});
      }, 1000);
    }
  }

  // ---- in-room controls (also used on the pre-join screen) ----------------------------

  async setCamera(on: boolean): Promise<void> {
    const { local, phase } = this.state;
    if (local.busy.camera || on === local.cameraOn) return;
    const inRoom = phase === "joined";
    const producer = this.producers.camera;
    if (!on) {
      this.setLocal({ cameraOn: false });
      if (inRoom && producer) {
        await this.pauseProducer(producer);
      } else if (!inRoom) {
        // Pre-join: release the device so the camera light goes off.
        this.releaseCamera();
      }
      return;
    }
    this.setBusy("camera", true);
    try {
      if (!this.cameraTrack || this.cameraTrack.readyState === "ended") {
        const { track, status } = await captureOne("camera");
        if (this.destroyed) return void track?.stop();
        this.setLocal({ cameraStatus: status });
        if (!track) {
          if (inRoom) this.set({ notice: deviceStatusText("camera", status) });
          return;
        }
        if (producer && !producer.closed) await producer.replaceTrack({ track });
        this.setCameraTrack(track);
      }
      this.setLocal({ cameraOn: true, cameraStatus: "ok" });
      if (this.state.phase !== "joined") return;
      if (producer && !producer.closed) await this.resumeProducer(producer);
      else await this.produceCamera();
    } finally {
      this.setBusy("camera", false);
    }
  }

  async setMic(on: boolean): Promise<void> {
    const { local, phase } = this.state;
    if (local.busy.mic || on === local.micOn) return;
    const inRoom = phase === "joined";
    const producer = this.producers.mic;
    if (!on) {
      this.setLocal({ micOn: false });
      if (inRoom && producer) await this.pauseProducer(producer);
      else if (!inRoom) this.releaseMic();
      return;
    }
    this.setBusy("mic", true);
    try {
      if (!this.micTrack || this.micTrack.readyState === "ended") {
        const { track, status } = await captureOne("mic");
        if (this.destroyed) return void track?.stop();
        this.setLocal({ micStatus: status });
        if (!track) {
          if (inRoom) this.set({ notice: deviceStatusText("mic", status) });
          return;
        }
        if (producer && !producer.closed) await producer.replaceTrack({ track });
        this.micTrack = track;
      }
      this.setLocal({ micOn: true, micStatus: "ok" });
      if (this.state.phase !== "joined") return;
      if (producer && !producer.closed) await this.resumeProducer(producer);
      else await this.produceMic();
    } finally {
      this.setBusy("mic", false);
    }
  }

  toggleCamera(): Promise<void> {
    return this.setCamera(!this.state.local.cameraOn);
  }

  toggleMic(): Promise<void> {
    return this.setMic(!this.state.local.micOn);
  }

  async toggleScreen(): Promise<void> {
    if (this.state.phase !== "joined" || this.state.local.busy.screen) return;
    if (this.producers.screen || this.screenTrack) return this.stopScreen();
    this.setBusy("screen", true);
    let track: MediaStreamTrack | null = null;
    try {
      track = await captureScreen();
      if (!track) return; // picker cancelled
      const send = await this.send.promise;
      if (!send || send.closed || this.state.phase !== "joined") {
        track.stop();
        return;
      }
      this.screenTrack = track;
      this.setLocal({ screenOn: true, screenStream: new MediaStream([track]) });
      const producer = await send.produce<SendAppData>({
        track,
        codec: this.findCodec("video/vp8"),
        encodings: [{ maxBitrate: SCREEN_MAX_BITRATE }],
        stopTracks: false,
        appData: { source: "screen" },
      });
      this.producers.screen = producer;
      // The browser's own "Stop sharing" button ends the track.
      producer.on("trackended", () => void this.stopScreen());
      if (track.readyState === "ended") void this.stopScreen();
    } catch (err) {
      console.error("[room] screen share failed", err);
      this.set({ notice: (err as Error).message || "Screen sharing failed." });
      if (track && !this.producers.screen) {
        track.stop();
        this.screenTrack = null;
        this.setLocal({ screenOn: false, screenStream: null });
      }
    } finally {
      this.setBusy("screen", false);
    }
  }

  private async stopScreen(): Promise<void> {
    const producer = this.producers.screen;
    this.producers.screen = null;
    this.screenTrack?.stop();
    this.screenTrack = null;
    this.setLocal({ screenOn: false, screenStream: null });
    if (!producer || producer.closed) return;
    producer.close();
    try {
      await this.client?.request("closeProducer", { producerId: producer.id });
    } catch (err) {
      console.warn("[room] closeProducer failed", err);
    }
  }

  private async pauseProducer(producer: Producer): Promise<void> {
    producer.pause();
    try {
      await this.client?.request("pauseProducer", { producerId: producer.id });
    } catch (err) {
      console.warn("[room] pauseProducer failed", err);
    }
  }

  private async resumeProducer(producer: Producer): Promise<void> {
    producer.resume();
    try {
      await this.client?.request("resumeProducer", { producerId: producer.id });
    } catch (err) {
      console.warn("[room] resumeProducer failed", err);
    }
  }

  /** Not used yet (no simulcast); kept for when layers are selectable. */
  setConsumerPreferredLayers(consumerId: string, spatialLayer: number, temporalLayer?: number): Promise<void> {
    if (!this.client) return Promise.resolve();
    return this.client
      .request("setConsumerPreferredLayers", { consumerId, spatialLayer, temporalLayer })
      .then(() => undefined);
  }

  dismissNotice(): void {
    this.set({ notice: null });
  }

  /** Pre-join name input; a warm-up waiting for a guest name resumes once typing pauses. */
  setDisplayName(name: string): void {
    if (this.state.phase !== "prejoin") return;
    this.set({ displayName: name });
    if (this.nameWaiter && name.trim()) {
      if (this.nameTimer) clearTimeout(this.nameTimer);
      this.nameTimer = setTimeout(() => this.releaseNameWaiter(), 400);
    }
  }

  private mark(name: string, at = performance.now()): void {
    if (!this.joinStartedAt || name in this.metrics) return;
    this.metrics[name] = Math.round(at - this.joinStartedAt);
  }

  // ---- leaving ------------------------------------------------------------------------

  async leave(): Promise<void> {
    if (this.state.phase !== "joined" && this.state.phase !== "joining") return;
    const client = this.client;
    this.client = null; // our own close below is not a "disconnect"
    this.set({ phase: "left", participants: [], media: [], quality: {}, notice: null });
    this.stopAllLocal();
    this.teardownMedia();
    if (client) {
      await client.request("leave", {}, { timeoutMs: 1500 }).catch(() => {});
      client.close();
    }
  }

  destroy(): void {
    if (this.destroyed) return;
    this.stopAllLocal();
    this.closeConnection();
    this.destroyed = true;
    this.listeners.clear();
  }

  private releaseCamera(): void {
    this.cameraTrack?.stop();
    this.setCameraTrack(null);
    this.setLocal({ cameraOn: false, cameraStatus: this.state.local.cameraStatus === "ok" ? "off" : this.state.local.cameraStatus });
  }

  private releaseMic(): void {
    this.micTrack?.stop();
    this.micTrack = null;
    this.setLocal({ micOn: false, micStatus: this.state.local.micStatus === "ok" ? "off" : this.state.local.micStatus });
  }

  private stopAllLocal(): void {
    this.cameraTrack?.stop();
    this.micTrack?.stop();
    this.screenTrack?.stop();
    this.cameraTrack = this.micTrack = this.screenTrack = null;
    this.setLocal({ cameraStream: null, screenStream: null, screenOn: false });
  }

  private teardownMedia(): void {
    for (const c of this.consumers.values()) c.close();
    this.consumers.clear();
    this.pendingConsumers.clear();
    this.earlyConsumerEvents.clear();
    this.producers = { camera: null, mic: null, screen: null };
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = this.recvTransport = null;
    this.recv.resolve(null);
    this.send.resolve(null);
    this.recv = deferred();
    this.send = deferred();
    this.transportsStarted = false;
  }

  /** Drops socket, transports and consumers (not the local tracks). */
  private closeConnection(): void {
    if (this.rewarmTimer) clearTimeout(this.rewarmTimer);
    this.rewarmTimer = null;
    if (this.nameTimer) clearTimeout(this.nameTimer);
    this.nameTimer = null;
    this.teardownMedia();
    const client = this.client;
    this.client = null;
    client?.close();
    if (this.state.media.length) this.set({ media: [] });
  }
}

function exposeMetrics(m: JoinMetrics): void {
  (window as unknown as { __meetMetrics?: JoinMetrics }).__meetMetrics = m;
}

function mergePeers(current: Participant[], peers: PeerInfo[]): Participant[] {
  const out = [...current];
  for (const p of peers) {
    const entry = { id: p.id, displayName: p.displayName, isHost: p.isHost };
    const i = out.findIndex((x) => x.id === p.id);
    if (i >= 0) out[i] = entry;
    else out.push(entry);
  }
  return out;
}

export function describeError(err: unknown): RoomError {
  if (err instanceof JoinTokenError) {
    // The route's messages are written for users ("This meeting was cancelled.").
    const serverMessage = err.serverMessage;
    if (err.status === 0 || err.status >= 500) {
      return { kind: "unreachable", message: "The meeting server cannot be reached right now." };
    }
    if (err.status === 401) {
      return { kind: "sign-in", message: serverMessage ?? "Sign in to join this meeting." };
    }
    if (err.status === 403 || err.status === 404 || err.status === 410) {
      return { kind: "invalid-link", message: serverMessage ?? "This meeting link is invalid or has expired." };
    }
    return { kind: "unknown", message: err.message };
  }
  if (err instanceof SignalingRequestError) {
    switch (err.code) {
      case "DISCONNECTED":
      case "TIMEOUT":
        return { kind: "unreachable", message: "The meeting server cannot be reached right now." };
      case "UNAUTHORIZED":
      case "FORBIDDEN":
        return { kind: "invalid-link", message: "This meeting link is invalid or has expired." };
      case "ROOM_FULL":
        return { kind: "room-full", message: "This meeting is full. Try again later." };
      case "RATE_LIMITED":
        return { kind: "unknown", message: "Too many attempts. Wait a moment and try again." };
      default:
        return { kind: "unknown", message: err.message };
    }
  }
  const e = err as Error | undefined;
  if (e?.name === "UnsupportedError") {
    return { kind: "unsupported", message: "This browser does not support video meetings." };
  }
  return { kind: "unknown", message: e?.message || "Something went wrong." };
}
