// One meeting in the browser: the orchestration of its parts, exposed as an immutable state
// snapshot (for useSyncExternalStore) plus actions.
//
//   signaling-client.ts        one WebSocket, typed requests, liveness pings
//   join-token-source.ts       the join token: reuse, a guest's name, the unreachable-node hint
//   room-errors.ts             errors for people and for the reconnect loop
//   reconnector.ts             the retry loop (delays: reconnect-policy.ts)
//   transports.ts              send + recv WebRtcTransports, ICE restarts
//   publisher.ts / subscriber.ts   producers / consumers
//   local-media-controller.ts  camera, mic, screen tracks, their toggles and devices
//   chat.ts                    the room chat (state in chat-state.ts)
//   diagnostics.ts             setup timings and live per-stream figures (support panel)
//   adaptive-media.ts          rooms that scale: layer reports, dynacast, receive quality, speakers
//   room-state.ts              the state and its pure reducer
//   moderation.ts              hands, reactions, host controls (moderation-state.ts: their state)
//   lobby.ts                   waiting to get in; final closes (removed, ended, denied)
//
// Join latency is the design driver of the first join: everything that does not need the
// user's click happens while the pre-join screen is shown (socket, token, router caps,
// device.load, both transports), so the click costs one `join` round trip.
// Staying in the call is the driver of the rest: when the socket is lost the session keeps
// its tracks, tiles and controls, reconnects with backoff, and either *resumes* (same peer on
// the server, catch up from a snapshot, ICE restart where the path died) or, when the server
// no longer knows it, *rejoins* as the same participant and publishes again.
import { Device } from "mediasoup-client";
import type { RtpCapabilities } from "mediasoup-client/types";
import { CLOSE_CODES, type Joined, type Method, type RequestData, type ResponseData } from "@/lib/signaling/protocol";
import { ChatController } from "./chat";
import type { DeviceKind } from "./devices";
import { collectDiagnostics, type DiagnosticsReport } from "./diagnostics";
import { shouldPrefillName } from "./display-name";
import { defaultSignalingUrl, SignalingClient, SignalingRequestError, type CloseInfo } from "./signaling-client";
import { JoinTokenSource } from "./join-token-source";
import { AdaptiveMedia } from "./adaptive-media";
import { JoinTimeline } from "./join-timeline";
import { LocalMediaController } from "./local-media-controller";
import { finalCloseError } from "./lobby";
import { ModerationClient } from "./moderation";
import { isHandRaised } from "./moderation-state";
import { Publisher } from "./publisher";
import { countRecovery } from "./recovery-log";
import { Reconnector, type AttemptResult } from "./reconnector";
import { classifyRecoveryError, describeError } from "./room-errors";
import { forgetRemoval, loadRejoinTicket, rememberRemoval, saveRejoinTicket } from "./rejoin-ticket-store";
import {
  initialRoomState,
  roomReducer,
  type LocalMediaState,
  type RoomAction,
  type RoomError,
  type RoomLayoutMode,
  type RoomState,
} from "./room-state";
import { Subscriber } from "./subscriber";
import { MediaTransports } from "./transports";

export type {
  ConnectionState,
  LocalMediaState,
  Participant,
  Phase,
  RemoteMedia,
  RoomError,
  RoomErrorKind,
  RoomLayoutMode,
  RoomState,
  WarmupStatus,
} from "./room-state";

export interface RoomSessionOptions {
  roomId: string;
  inviteToken?: string;
  /** Initial pre-join toggles. */
  camera?: boolean;
  mic?: boolean;
  /** Name used for the early token fetch (the join request carries the final one). */
  displayName?: string;
}

/** A reconnect attempt gives up on a socket that does not open within this. */
const RECONNECT_CONNECT_TIMEOUT_MS = 4_000;

export class RoomSession {
  private state: RoomState;
  private readonly listeners = new Set<() => void>();
  private readonly opts: RoomSessionOptions;

  private client: SignalingClient | null = null;
  private device: Device | null = null;
  private transports: MediaTransports | null = null;
  private publisher: Publisher | null = null;
  private subscriber: Subscriber | null = null;
  private readonly localMedia: LocalMediaController;
  /** The room chat (the UI calls its methods directly). */
  readonly chat: ChatController;
  private readonly reconnector = new Reconnector();
  /** Per-viewer layers, dynacast, receive quality, speakers (`adaptive.layerReporter`: the tiles). */
  readonly adaptive = new AdaptiveMedia({
    signal: (method, data) => this.signal(method, data),
    dispatch: (a) => this.dispatch(a),
    recvTransport: () => this.transports?.recvTransport() ?? null,
  });
  /** Hands, reactions and host controls (the UI calls its methods directly). */
  readonly moderation: ModerationClient;

  private readonly tokens: JoinTokenSource;
  private warmupPromise: Promise<void> | null = null;
  /** Who we are on the server while joined: what a `resume` needs. */
  private identity: { peerId: string; resumeSecret: string } | null = null;
  private rejoinTicket: string | null;
  private readonly timeline = new JoinTimeline();
  /** The person typed in the name field: nothing may overwrite it any more. */
  private nameEdited = false;
  private joinedOnce = false;

  private destroyed = false;
  private rewarmTimer: ReturnType<typeof setTimeout> | null = null;
  /** Offline: the socket is as good as gone; don't wait for the liveness timeout. */
  private readonly onNetworkEvent = () => {
    if (typeof navigator !== "undefined" && !navigator.onLine && this.state.phase === "joined") {
      this.client?.declareDead("the browser went offline");
    }
  };

  constructor(opts: RoomSessionOptions) {
    this.opts = opts;
    this.state = initialRoomState(opts);
    this.rejoinTicket = typeof window !== "undefined" ? loadRejoinTicket(opts.roomId) : null;
    this.tokens = new JoinTokenSource({
      roomId: opts.roomId,
      inviteToken: opts.inviteToken,
      displayName: () => this.state.displayName,
      rejoinTicket: () => this.rejoinTicket,
      // Signed-in users: prefill the name the server knows, unless one was typed.
      onToken: (t) => {
        if (this.state.phase === "prejoin" && shouldPrefillName(this.state.displayName, this.nameEdited, t)) {
          this.patch({ displayName: t.name! });
        }
      },
      onWaitingForName: (waiting) => this.patch({ warmup: waiting ? "needs-name" : "connecting" }),
    });
    this.localMedia = new LocalMediaController({
      local: () => this.state.local,
      setLocal: (patch) => this.setLocal(patch),
      devices: () => this.state.devices,
      setDevices: (patch) => this.dispatch({ type: "devices", patch }),
      notice: (message) => this.patch({ notice: message }),
      publisher: () => (this.state.phase === "joined" ? this.publisher : null),
      inCall: () => this.state.phase === "joined",
      destroyed: () => this.destroyed,
    });
    this.chat = new ChatController(this.signal, (a) => this.dispatch(a), () => this.state.chat.open);
    this.moderation = new ModerationClient({
      signal: this.signal,
      dispatch: (a) => this.dispatch(a),
      selfId: () => this.state.selfId,
      role: () => this.state.moderation.role,
      handRaised: () => isHandRaised(this.state.moderation, this.state.selfId),
      notice: (message) => this.patch({ notice: message }),
      turnOff: (source) =>
        source === "screen"
          ? this.localMedia.stopScreen()
          : source === "mic"
            ? this.localMedia.setMic(false)
            : this.localMedia.setCamera(false),
    });
    if (typeof window !== "undefined") {
      window.addEventListener("offline", this.onNetworkEvent);
    }
  }

  // ---- store interface ----------------------------------------------------------------

  getState = (): RoomState => this.state;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  private dispatch(action: RoomAction): void {
    if (this.destroyed) return;
    const next = roomReducer(this.state, action);
    if (next === this.state) return;
    const mediaChanged = next.media !== this.state.media;
    this.state = next;
    if (mediaChanged) this.adaptive.mediaChanged(next.media);
    for (const fn of [...this.listeners]) fn();
  }

  private patch(patch: Extract<RoomAction, { type: "patch" }>["patch"]): void {
    this.dispatch({ type: "patch", patch });
  }

  private setLocal(patch: Partial<LocalMediaState>): void {
    this.dispatch({ type: "local", patch });
  }

  /** A request on the current socket (transports, producers and consumers outlive sockets). */
  private readonly signal = <M extends Method>(method: M, data: RequestData<M>): Promise<ResponseData<M>> => {
    const client = this.client;
    if (!client || client.state !== "open") {
      return Promise.reject(new SignalingRequestError("DISCONNECTED", "not connected", method));
    }
    return client.request(method, data);
  };

  private signalingUrl(): string {
    return this.tokens.current?.signalingUrl ?? defaultSignalingUrl();
  }

  // ---- pre-join -----------------------------------------------------------------------

  /** Starts the camera/mic preview and the network warm-up, in parallel. */
  start(): void {
    void this.localMedia.startPreview();
    this.warmUp().catch(() => {
      // state.error already says what went wrong
    });
  }

  /** Retry after "server unreachable" and similar. */
  retry(): void {
    this.patch({ error: null });
    this.warmupPromise = null;
    this.warmUp().catch(() => {});
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
    this.patch({ warmup: "connecting" });
    this.timeline.warmupStarted();
    // Device detection + load run alongside the network round trips.
    const devicePromise = this.device ? Promise.resolve(this.device) : Device.factory();
    devicePromise.catch(() => {});
    // The socket opens while the token is fetched; a token naming another node (multi-node
    // deployments) moves it there.
    let client: SignalingClient = this.openClient();
    const connected = client.connect();
    connected.catch(() => {});
    try {
      connected.then(() => this.mark("socketOpen")).catch(() => {});
      const token = await this.tokens.forWarmUp(() => this.destroyed);
      this.mark("joinToken");
      if (token.signalingUrl && token.signalingUrl !== client.url) {
        client.close();
        client = this.openClient();
        await client.connect();
      } else {
        await connected;
      }
      const { routerRtpCapabilities } = await client.request("getRouterRtpCapabilities", {
        roomId: this.opts.roomId,
        token: token.token,
      });
      this.mark("routerCapabilities");
      await this.loadDevice(await devicePromise, routerRtpCapabilities as RtpCapabilities);
      this.mark("deviceLoaded");
      if (client !== this.client) return;
      // Best effort: if the server wants `join` first, this is redone right after joining.
      this.transports!.create().catch((err) => {
        console.warn("[room] pre-join transport creation failed; retrying after join", err);
      });
      this.patch({ warmup: "ready" });
    } catch (err) {
      if (client !== this.client) throw err;
      this.closeConnection();
      this.patch({ warmup: "error", error: describeError(err) });
      throw err;
    }
  }

  private async loadDevice(device: Device, caps: RtpCapabilities): Promise<void> {
    if (!device.loaded) await device.load({ routerRtpCapabilities: caps });
    if (this.device === device) return;
    this.device = device;
    const transports = new MediaTransports(device, this.signal, {
      canSignal: () => this.client?.state === "open",
      mark: (name) => this.mark(name),
      onHealthChange: () => this.updateConnectionStatus(),
    });
    this.transports = transports;
    this.publisher = new Publisher(device, transports, this.signal);
    this.adaptive.attachPublisher(this.publisher);
    this.subscriber = new Subscriber(transports, this.signal, (a) => this.dispatch(a), (name) => this.mark(name));
  }

  /** A new socket with every notification wired to this session (ignored once it is not current). */
  private openClient(): SignalingClient {
    const client = new SignalingClient(this.signalingUrl());
    this.client = client;
    const current = () => client === this.client;
    client.on("newConsumer", (d) => {
      if (!current()) return;
      this.mark(`newConsumer:${d.kind}`);
      this.mark(`newConsumerArrived:${d.kind}`, client.frameTimeStamp);
      void this.subscriber?.add(d);
    });
    client.on("consumerClosed", ({ consumerId }) => current() && this.subscriber?.remove(consumerId));
    client.on("consumerPaused", ({ consumerId }) => current() && this.subscriber?.setPaused(consumerId, true));
    client.on("consumerResumed", ({ consumerId }) => current() && this.subscriber?.setPaused(consumerId, false));
    client.on("peerJoined", ({ peer }) => current() && this.dispatch({ type: "peerJoined", peer }));
    client.on("peerLeft", ({ peerId }) => {
      if (!current()) return;
      this.subscriber?.removePeer(peerId);
      this.dispatch({ type: "peerLeft", peerId });
    });
    client.on("peerReconnecting", ({ peerId }) => current() && this.dispatch({ type: "peerReconnecting", peerId, reconnecting: true }));
    client.on("peerReconnected", ({ peerId }) => current() && this.dispatch({ type: "peerReconnecting", peerId, reconnecting: false }));
    client.on("qualityUpdate", ({ peers }) => current() && this.dispatch({ type: "quality", peers }));
    client.on("chatMessage", (m) => current() && this.chat.received(m));
    this.adaptive.wire(client, current);
    this.moderation.wire(client, current);
    client.on("admitted", (joined) => current() && void this.onAdmitted(client, joined));
    client.on("waitingChanged", (waiting) => current() && this.dispatch({ type: "waiting", waiting }));
    client.on("mediaReset", ({ reason }) => {
      if (!current()) return;
      console.info(`[room] media reset by the server (${reason}); setting media up again`);
      countRecovery("mediaResets");
      void this.rebuildMedia();
    });
    client.onClose((info) => this.onSocketClosed(client, info));
    return client;
  }

  // ---- joining ------------------------------------------------------------------------

  /**
   * Joins the room. `camera: false` / `mic: false` join without that device
   * (the "audio-only" / "view only" choices).
   */
  async join(displayName: string, opts: { camera?: boolean; mic?: boolean } = {}): Promise<void> {
    if (this.state.phase === "joining" || this.state.phase === "joined" || this.destroyed) return;
    const name = displayName.trim();
    this.timeline.joinStarted();
    this.mark("joinClick");
    this.patch({ phase: "joining", error: null, displayName: name });
    this.tokens.releaseName();
    if (opts.camera === false) this.localMedia.releaseCamera();
    if (opts.mic === false) this.localMedia.releaseMic();
    try {
      if (this.state.warmup !== "ready" || this.client?.state !== "open") {
        if (this.state.warmup === "error") this.warmupPromise = null;
        await this.warmUp();
      }
      const client = this.client;
      if (!client || !this.device || client.state !== "open") {
        throw new SignalingRequestError("DISCONNECTED", "connection lost while joining", "join");
      }
      const res = await this.sendJoin(client, name);
      // waiting: media starts when the `admitted` notification comes
      if (!res || res.status === "waiting") return;
      await this.startMedia(client, res);
    } catch (err) {
      if (this.destroyed || this.state.phase === "disconnected") return;
      console.warn("[room] join failed", err);
      // The socket may be in an unknown state: warm up again on the next attempt.
      this.warmupPromise = null;
      this.closeConnection();
      this.patch({ phase: "prejoin", warmup: "idle", error: describeError(err) });
    }
  }

  /** In the room: publish the preview tracks (receiving is already set up). */
  private async startMedia(client: SignalingClient, joined: Joined): Promise<void> {
    await this.transports!.create();
    // On a 2-core machine our encoder start-up (three simulcast layers of a 720p camera)
    // competes with decoding the first remote frames, so let the consumers the server is
    // about to announce get set up, and the first remote video arrive, first (300 ms at most).
    const expected = joined.peers.reduce((n, p) => n + p.producers.length, 0);
    const deadline = performance.now() + 300;
    await this.subscriber!.waitFor(expected, 300, this.subscribe);
    await this.subscriber!.firstVideo(Math.max(0, deadline - performance.now()));
    if (client !== this.client) return;
    this.mark("publish");
    this.localMedia.publishAll();
  }

  /** A host let me in (or the host arrived): enter as if the join had just succeeded. */
  private async onAdmitted(client: SignalingClient, joined: Joined): Promise<void> {
    if (this.state.phase !== "waiting" || client !== this.client) return;
    this.enterCall(client, joined);
    try {
      await this.startMedia(client, joined);
    } catch (err) {
      console.warn("[room] setting media up after admission failed; reconnecting", err);
      this.client?.declareDead("media set-up failed");
    }
  }

  /**
   * `join` on `client`. Joined: the state says so and the socket pings. Waiting (lobby, no
   * host yet): the waiting screen shows, the socket pings, `admitted` follows later.
   */
  private async sendJoin(client: SignalingClient, name: string, rejoin = false): Promise<ResponseData<"join"> | null> {
    const token = await this.tokens.fresh();
    this.mark("joinSent");
    const res = await client.request("join", {
      roomId: this.opts.roomId,
      token: token.token,
      displayName: name,
      rtpCapabilities: this.device!.rtpCapabilities,
      ...(rejoin ? { rejoin } : {}),
    });
    if (client !== this.client) return null;
    this.mark("joinReply");
    this.mark("joinReplyArrived", client.frameTimeStamp);
    if (res.status === "waiting") {
      this.dispatch({ type: "roomCleared" });
      this.dispatch({ type: "waiting", waiting: { reason: res.reason, startsAt: res.startsAt } });
      client.startLiveness();
      return res;
    }
    this.enterCall(client, res);
    return res;
  }

  private enterCall(client: SignalingClient, joined: Joined): void {
    this.identity = { peerId: joined.peerId, resumeSecret: joined.resumeSecret };
    this.rejoinTicket = joined.rejoinTicket;
    saveRejoinTicket(this.opts.roomId, joined.rejoinTicket);
    forgetRemoval(this.opts.roomId);
    this.dispatch({
      type: "joined",
      selfId: joined.peerId,
      isHost: joined.isHost,
      role: joined.role,
      peers: joined.peers,
      control: joined.control,
    });
    this.chat.synced(joined.chat, this.joinedOnce);
    this.joinedOnce = true;
    client.startLiveness();
    this.adaptive.entered();
  }

  // ---- staying in the call ------------------------------------------------------------

  private onSocketClosed(client: SignalingClient, info: CloseInfo): void {
    if (client !== this.client || info.byClient || this.destroyed) return;
    const phase = this.state.phase;
    // Removed, denied, replaced, meeting over: never back automatically.
    const final = finalCloseError(info.code, info.reason);
    if (final && (phase === "joined" || phase === "waiting" || phase === "joining" || final.kind === "meeting-ended")) {
      if (final.kind === "removed" && this.rejoinTicket) rememberRemoval(this.opts.roomId, this.rejoinTicket);
      return this.endCall(final);
    }
    if (phase === "joined" || phase === "waiting") {
      this.startReconnect(info.code);
      return;
    }
    this.warmupPromise = null;
    this.closeConnection();
    if (phase === "prejoin") {
      // E.g. server restart or idle timeout while the user looks at the preview:
      // warm up again quietly; a failure shows up as a pre-join error.
      this.patch({ warmup: "idle" });
      this.rewarmTimer = setTimeout(() => {
        this.rewarmTimer = null;
        if (this.state.phase === "prejoin" && this.state.warmup === "idle") this.warmUp().catch(() => {});
      }, 1000);
    }
  }

  private updateConnectionStatus(attempt = this.state.connection.attempt): void {
    const signalingDown = this.reconnector.active;
    const mediaDown = this.transports ? !this.transports.healthy() : false;
    this.dispatch({
      type: "connection",
      connection: signalingDown || mediaDown ? { status: "reconnecting", attempt } : { status: "connected", attempt: 0 },
    });
  }

  private startReconnect(closeCode: number | null): void {
    if (this.reconnector.active) return;
    void this.reconnector
      .run({
        closeCode,
        onAttempt: (n) => this.updateConnectionStatus(n),
        attempt: () => this.recoverOnce(),
      })
      .then((outcome) => {
        if (this.destroyed) return;
        if (outcome === "recovered") this.updateConnectionStatus(0);
        else if (outcome === "gave-up") this.endCall({ kind: "disconnected", message: "The connection to the meeting was lost." });
        else if (outcome === "fatal") this.endCall(describeError(this.reconnector.lastError));
      });
    this.updateConnectionStatus(0);
  }

  /** One reconnect attempt: a new socket, then resume, else a full rejoin on it. */
  private async recoverOnce(): Promise<AttemptResult> {
    if (this.state.phase !== "joined" && this.state.phase !== "waiting") {
      return { outcome: "fatal", error: new Error("not in the call") };
    }
    const old = this.client;
    let client: SignalingClient;
    if (!this.tokens.current) {
      // Several nodes: the token says which node hosts the room now (another one after a
      // node died), so fetch it before choosing where to connect.
      try {
        await this.tokens.fresh();
      } catch (error) {
        return classifyRecoveryError(error, () => {});
      }
    }
    try {
      client = this.openClient();
      old?.close(CLOSE_CODES.clientReconnecting);
      await client.connect(RECONNECT_CONNECT_TIMEOUT_MS);
    } catch (error) {
      // The room may have moved to another node: the next try asks the site again, saying
      // which node it could not reach.
      this.tokens.nodeUnreachable();
      return { outcome: "retry", error };
    }
    try {
      if (this.identity) {
        try {
          const snapshot = await client.request("resume", {
            roomId: this.opts.roomId,
            peerId: this.identity.peerId,
            secret: this.identity.resumeSecret,
          });
          if (client !== this.client) return { outcome: "retry" };
          await this.applyResume(client, snapshot);
          countRecovery("resumes");
          return { outcome: "recovered" };
        } catch (err) {
          if (!(err instanceof SignalingRequestError && err.code === "RESUME_FAILED")) throw err;
          this.identity = null; // the server forgot us: join again as the same person
        }
      }
      await this.rejoin(client);
      countRecovery("rejoins");
      return { outcome: "recovered" };
    } catch (error) {
      client.close(CLOSE_CODES.clientReconnecting);
      return classifyRecoveryError(error, () => this.tokens.drop());
    }
  }

  /** The server kept us: catch up on what happened while the socket was down. */
  private async applyResume(client: SignalingClient, snapshot: ResponseData<"resume">): Promise<void> {
    this.dispatch({ type: "peersSynced", peers: snapshot.peers });
    this.chat.synced(snapshot.chat, true);
    this.dispatch({ type: "control", control: snapshot.control, role: snapshot.role });
    client.startLiveness();
    // turned off by a host while we could not hear it: match the server before reconciling
    for (const source of snapshot.mutedByHost) await this.moderation.applyHostMute(source);
    const transports = this.transports!;
    const kept = new Set(snapshot.transports.map((t) => t.id));
    const local = transports.ids();
    if (!local.send || !local.recv || !kept.has(local.send) || !kept.has(local.recv)) {
      // our media went with a dead worker (or never got set up): build it again
      await this.rebuildMedia();
      return;
    }
    const restarts = transports.restartWhereNeeded({ all: snapshot.addressChanged });
    await this.subscriber!.reconcile(snapshot.consumers);
    this.adaptive.resumed();
    const lost = await this.publisher!.reconcile(snapshot.producers);
    if (lost.length) this.localMedia.publishAll();
    await restarts;
  }

  /** The server no longer knows this peer: join again with the same identity and tracks. */
  private async rejoin(client: SignalingClient): Promise<void> {
    const token = await this.tokens.fresh();
    const { routerRtpCapabilities } = await client.request("getRouterRtpCapabilities", {
      roomId: this.opts.roomId,
      token: token.token,
    });
    if (client !== this.client) throw new SignalingRequestError("DISCONNECTED", "superseded", "getRouterRtpCapabilities");
    await this.loadDevice(this.device ?? (await Device.factory()), routerRtpCapabilities as RtpCapabilities);
    this.resetMedia();
    const created = this.transports!.create();
    const res = await this.sendJoin(client, this.state.displayName, true);
    if (!res) throw new SignalingRequestError("DISCONNECTED", "superseded", "join");
    await created;
    // back in the lobby (e.g. the server restarted and the waiting room is on): media follows admission
    if (res.status === "joined") this.localMedia.publishAll();
  }

  /** New transports, producers and consumers on the same socket (media reset, lost transports). */
  private async rebuildMedia(): Promise<void> {
    this.resetMedia();
    try {
      await this.transports!.create();
      this.localMedia.publishAll();
    } catch (err) {
      console.warn("[room] setting media up again failed; reconnecting", err);
      this.client?.declareDead("media set-up failed");
    }
  }

  private resetMedia(): void {
    this.adaptive.resetMedia();
    this.subscriber?.clear();
    this.publisher?.forgetAll();
    this.transports?.closeAll();
  }

  /** The call is over for good (gave up, replaced, access revoked): the disconnected screen. */
  private endCall(error: RoomError): void {
    this.reconnector.stop();
    this.adaptive.stop();
    this.identity = null;
    this.localMedia.stopAll();
    this.closeConnection();
    this.dispatch({ type: "roomCleared" });
    this.patch({ phase: "disconnected", warmup: "idle", error });
    this.dispatch({ type: "connection", connection: { status: "connected", attempt: 0 } });
  }

  // ---- in-room controls (also used on the pre-join screen) ----------------------------

  setCamera(on: boolean): Promise<void> {
    return this.localMedia.setCamera(on);
  }

  setMic(on: boolean): Promise<void> {
    return this.localMedia.setMic(on);
  }

  toggleCamera(): Promise<void> {
    return this.setCamera(!this.state.local.cameraOn);
  }

  toggleMic(): Promise<void> {
    return this.setMic(!this.state.local.micOn);
  }

  toggleScreen(): Promise<void> {
    return this.localMedia.toggleScreen();
  }

  /** Another camera / microphone / speaker (remembered in this browser). */
  setDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    return this.localMedia.setDevice(kind, deviceId);
  }

  /** The microphone's loudness now, 0..1 (the level meter polls it). */
  micLevel(): number {
    return this.localMedia.micLevel();
  }

  // ---- diagnostics --------------------------------------------------------------------

  /** This join's set-up timings and live per-stream figures (the diagnostics panel). */
  diagnostics(): Promise<DiagnosticsReport> {
    const { send, recv } = this.transports?.current() ?? {};
    const names = new Map(this.state.participants.map((p) => [p.id, p.displayName]));
    return collectDiagnostics({
      roomId: this.opts.roomId,
      peerId: this.state.selfId,
      setup: this.timeline.snapshot(),
      signaling: this.client?.rttSummary() ?? {},
      transports: { send, recv },
      producers: this.publisher?.list() ?? [],
      consumers: (this.subscriber?.list() ?? []).map((c) => ({ ...c, peerName: names.get(c.peerId) ?? null })),
    });
  }

  /** Grid or speaker layout (the `layout-toggle` button). */
  setLayout(layout: RoomLayoutMode): void {
    this.dispatch({ type: "layout", layout });
  }

  dismissNotice(): void {
    this.patch({ notice: null });
  }

  /** Pre-join name input; a warm-up waiting for a guest name resumes once typing pauses. */
  setDisplayName(name: string): void {
    if (this.state.phase !== "prejoin") return;
    this.nameEdited = true;
    this.patch({ displayName: name });
    this.tokens.nameTyped(name);
  }

  private mark(name: string, at = performance.now()): void {
    this.timeline.mark(name, at);
  }

  // ---- leaving ------------------------------------------------------------------------

  async leave(): Promise<void> {
    const phase = this.state.phase;
    if (phase !== "joined" && phase !== "joining" && phase !== "waiting") return;
    this.reconnector.stop();
    this.adaptive.stop();
    const client = this.client;
    this.client = null; // our own close below is not a "disconnect"
    this.identity = null;
    this.dispatch({ type: "roomCleared" });
    this.patch({ phase: "left" });
    this.dispatch({ type: "connection", connection: { status: "connected", attempt: 0 } });
    this.localMedia.stopAll();
    this.resetMedia();
    if (client) {
      await client.request("leave", {}, { timeoutMs: 1500 }).catch(() => {});
      client.close();
    }
  }

  destroy(): void {
    if (this.destroyed) return;
    this.reconnector.stop();
    this.adaptive.destroy();
    this.localMedia.stopAll();
    this.moderation.destroy();
    this.closeConnection();
    this.destroyed = true;
    this.listeners.clear();
    if (typeof window !== "undefined") {
      window.removeEventListener("offline", this.onNetworkEvent);
    }
  }

  /** Drops socket, transports and consumers (not the local tracks). */
  private closeConnection(): void {
    if (this.rewarmTimer) clearTimeout(this.rewarmTimer);
    this.rewarmTimer = null;
    this.tokens.cancelNameTimer();
    this.resetMedia();
    const client = this.client;
    this.client = null;
    client?.close();
  }
}

export { CLOSE_CODES };
