// One SignalingConnection per WebSocket: parses frames with protocol.ts, checks the join
// token, binds the socket to a Room (pre-join warm-up, join, or resume of a peer whose
// previous socket was lost) and hands requests to it. Nothing a client sends can throw out
// of here: every failure becomes an error reply.
import type { IncomingMessage } from "node:http";
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import {
  CLOSE_CODES,
  LEAVING_CLOSE_CODES,
  encodeError,
  encodeReply,
  parseRequest,
  type ParsedRequest,
  type SignalingError,
} from "../../lib/signaling/protocol";
import type { Logger } from "../logger";
import { metrics } from "../metrics";
import { TokenBucket } from "../util/token-bucket";
import { fail, RequestError } from "../rooms/errors";
import { Peer, type PeerSink } from "../rooms/peer";
import type { Room, RoomRequest } from "../rooms/room";
import type { RoomRegistry } from "../rooms/room-registry";
import type { PeerIdentity } from "../rooms/room-observer";
import { defaultConnectionServices, type ConnectionServices } from "./connection-services";

export type ConnectionLimits = {
  /** Sustained messages per second allowed from one socket (token bucket refill rate). */
  messagesPerSecond: number;
  /** Burst size of the token bucket. */
  burst: number;
  /** Requests waiting to be processed before new ones get RATE_LIMITED. */
  maxQueuedRequests: number;
  /** Outgoing bytes buffered for a slow client before it is disconnected. */
  maxBufferedBytes: number;
  /** A socket that has not presented a valid join token (or resumed) by then is closed. */
  authTimeoutMs: number;
};

export const DEFAULT_LIMITS: ConnectionLimits = {
  messagesPerSecond: 200,
  // a join into a 50-peer room legitimately sends ~150 resumeConsumer at once
  burst: 400,
  maxQueuedRequests: 400,
  maxBufferedBytes: 8 * 1024 * 1024,
  authTimeoutMs: 10_000,
};

export type ConnectionEvents = {
  /** First valid join token (or resume) on this socket. */
  onAuthenticated?(conn: SignalingConnection): void;
  onClosed?(conn: SignalingConnection): void;
};

export class SignalingConnection {
  readonly id = randomUUID();
  readonly remoteAddress: string;
  /** Has presented a valid join token or resumed a peer. */
  authenticated = false;
  /** Arrival time of the last frame (any frame counts as a sign of life). */
  lastFrameAt = Date.now();
  /** The client sends `ping`s, so silence means its link is gone. */
  pinging = false;
  private room: Room | null = null;
  private peer: Peer | null = null;
  private closed = false;
  /** Requests run one at a time per socket, in arrival order (no racing join/createTransport). */
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  private readonly flood: TokenBucket;
  private readonly authTimer: NodeJS.Timeout;
  private readonly log: Logger;
  private readonly sink: PeerSink;
  private readonly services: ConnectionServices;

  constructor(
    private readonly ws: WebSocket,
    req: IncomingMessage,
    private readonly registry: RoomRegistry,
    logger: Logger,
    private readonly limits: ConnectionLimits = DEFAULT_LIMITS,
    private events: ConnectionEvents = {},
    remoteAddress = req.socket.remoteAddress ?? "",
    /** Join-token admission (deny-list, hosting node) and TURN servers. */
    services?: ConnectionServices,
  ) {
    this.remoteAddress = remoteAddress;
    this.services = services ?? defaultConnectionServices(logger);
    this.flood = new TokenBucket(limits.messagesPerSecond, limits.burst);
    this.log = logger.child({ conn: this.id.slice(0, 8), ip: remoteAddress });
    this.sink = {
      send: (text) => this.send(text),
      close: (code, reason) => this.closeSocket(code, reason),
    };
    this.authTimer = setTimeout(() => {
      if (this.authenticated || this.closed) return;
      this.log.info("no valid join token in time; closing socket");
      this.closeSocket(CLOSE_CODES.authTimeout, `no valid join token within ${Math.round(limits.authTimeoutMs / 1000)} s`);
    }, limits.authTimeoutMs);
    this.authTimer.unref();
    ws.on("message", (data, isBinary) => this.onMessage(data, isBinary));
    ws.on("close", (code) => this.onClose(code));
    ws.on("error", (err) => {
      this.log.debug({ err: err.message }, "socket error");
      this.onClose(1006);
    });
    this.log.debug("socket connected");
  }

  /** The bound peer (for tests / stats). */
  get boundPeer(): Peer | null {
    return this.peer;
  }

  /** Drops the socket at once (no close handshake: its network may be gone). */
  terminate(): void {
    this.ws.terminate();
  }

  private send(text: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount > this.limits.maxBufferedBytes) {
      this.log.warn({ buffered: this.ws.bufferedAmount }, "client is not reading; disconnecting");
      this.ws.terminate();
      return;
    }
    this.ws.send(text, (err) => {
      if (err) this.log.debug({ err: err.message }, "send failed");
    });
  }

  private closeSocket(code: number, reason: string): void {
    try {
      if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
        this.ws.close(code, reason);
      }
    } catch {
      this.ws.terminate();
    }
  }

  private markAuthenticated(): void {
    if (this.authenticated) return;
    this.authenticated = true;
    clearTimeout(this.authTimer);
    this.events.onAuthenticated?.(this);
  }

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    if (this.closed) return;
    this.lastFrameAt = Date.now();
    if (!this.flood.take()) {
      this.log.warn("message flood; closing socket");
      this.closeSocket(CLOSE_CODES.policyViolation, "rate limit exceeded");
      this.cleanup();
      return;
    }
    if (isBinary) {
      this.send(encodeError(null, { code: "BAD_REQUEST", message: "binary frames are not accepted" }));
      return;
    }
    let text: string;
    try {
      if (Array.isArray(data)) text = Buffer.concat(data).toString("utf8");
      else if (Buffer.isBuffer(data)) text = data.toString("utf8");
      else text = Buffer.from(new Uint8Array(data)).toString("utf8");
    } catch {
      this.send(encodeError(null, { code: "BAD_JSON", message: "frame is not valid UTF-8 text" }));
      return;
    }
    const parsed = parseRequest(text);
    if (!parsed.ok) {
      this.send(encodeError(parsed.id, parsed.error));
      return;
    }
    const request = parsed.request;
    if (request.method === "ping") {
      // answered at once: a slow request in the queue must not look like a dead link
      this.pinging = true;
      this.send(encodeReply(request.id, {}));
      return;
    }
    if (this.queued >= this.limits.maxQueuedRequests) {
      this.send(
        encodeError(request.id, { code: "RATE_LIMITED", message: "too many requests in flight; slow down" }),
      );
      return;
    }
    this.queued++;
    this.queue = this.queue
      .then(() => this.process(request))
      .catch((err: unknown) => this.log.error({ err }, "request pipeline error"))
      .finally(() => {
        this.queued--;
      });
  }

  private async process(request: ParsedRequest): Promise<void> {
    if (this.closed) return;
    let replied = false;
    const respond = (data: unknown) => {
      if (replied) return;
      replied = true;
      this.send(encodeReply(request.id, data));
    };
    try {
      await this.dispatch(request, respond);
      if (!replied) throw new Error(`handler for ${request.method} did not reply`);
      if (request.method === "join") metrics().joins.inc();
    } catch (err) {
      const error = this.toSignalingError(err, request.method);
      if (request.method === "join" || request.method === "getRouterRtpCapabilities") metrics().joinErrors.inc({ code: error.code });
      if (!replied) {
        replied = true;
        this.send(encodeError(request.id, error));
      } else if (error.code === "INTERNAL") {
        this.log.error({ err, method: request.method }, "error after reply");
      }
    }
  }

  private toSignalingError(err: unknown, method: string): SignalingError {
    if (err instanceof RequestError) {
      this.log.debug({ method, code: err.code, msg: err.message }, "request refused");
      return { code: err.code, message: err.message };
    }
    this.log.error({ err, method }, "request failed unexpectedly");
    return { code: "INTERNAL", message: `${method}: internal server error` };
  }

  private async dispatch(request: ParsedRequest, respond: (data: unknown) => void): Promise<void> {
    switch (request.method) {
      case "ping":
        return respond({});
      case "getRouterRtpCapabilities": {
        const room = await this.bind(request.data.roomId, request.data.token);
        respond({ routerRtpCapabilities: room.routerRtpCapabilities });
        return;
      }
      case "join": {
        const room = await this.bind(request.data.roomId, request.data.token);
        await room.handleRequest(this.peer!, request, respond);
        return;
      }
      case "resume":
        return this.resume(request.data, respond);
      case "leave": {
        const { room, peer } = this;
        this.room = null;
        this.peer = null;
        if (!room || !peer || room.closed || room.peers.get(peer.id) !== peer) {
          respond({}); // leaving is idempotent
          return;
        }
        await room.handleRequest(peer, request, respond);
        return;
      }
      default: {
        const { room, peer } = this;
        if (!room || !peer || room.closed) {
          fail("NOT_JOINED", `${request.method} needs getRouterRtpCapabilities or join first`);
        }
        await room!.handleRequest(peer!, request as RoomRequest, request.method === "createTransport" ? this.withIceServers(peer!, respond) : respond);
      }
    }
  }

  /** Adds the participant's TURN servers (time-limited credentials) to a createTransport reply. */
  private withIceServers(peer: Peer, respond: (data: unknown) => void): (data: unknown) => void {
    return (data) => {
      const iceServers = this.services.iceServers(peer.identity.participantKey);
      respond(iceServers.length > 0 ? { ...(data as object), iceServers } : data);
    };
  }

  /** Attaches this socket to a joined peer whose old socket was lost (same person, same media). */
  private async resume(data: Extract<ParsedRequest, { method: "resume" }>["data"], respond: (d: unknown) => void) {
    if (this.peer) fail("BAD_REQUEST", "resume must be the first request on a new connection");
    const room = this.registry.get(data.roomId);
    if (!room || room.closed) fail("RESUME_FAILED", "this meeting's room is not running here any more; join again");
    const { peer, snapshot } = room!.resumePeer(data.peerId, data.secret, this.sink, this.remoteAddress);
    if (this.closed) {
      room!.suspendPeer(peer); // lost this socket too while resuming
      return;
    }
    this.room = room!;
    this.peer = peer;
    this.markAuthenticated();
    respond(snapshot);
  }

  /** Verifies the token and binds this socket to its room (creating the room if needed). */
  private async bind(roomId: string, token: string): Promise<Room> {
    // signature, expiry, room, deny-list and (several nodes) the hosting node
    const { claims } = await this.services.admission.admit(token, roomId);
    // Cancelled or ended meetings and replaced invite links revoke tokens (database, per bind).
    const gate = await this.registry.gate.check(claims).catch((err: unknown) => {
      this.log.error({ err }, "meeting gate failed");
      return fail("INTERNAL", "cannot check this meeting right now; try again");
    });
    if (!gate.ok) fail(gate.code, gate.message);
    if (!gate.ok) throw new Error("unreachable");
    this.markAuthenticated();
    const identity: PeerIdentity = {
      participantKey: claims.sub,
      isGuest: claims.guest,
      isHost: claims.host,
      ...(claims.uid !== undefined ? { userId: claims.uid } : {}),
      ...(claims.mid !== undefined ? { meetingId: claims.mid } : {}),
      ...(claims.ingest ? { isIngest: true } : {}),
    };

    if (this.room && !this.room.closed && this.peer && this.room.peers.get(this.peer.id) === this.peer) {
      if (this.room.roomId !== roomId) {
        fail("BAD_REQUEST", `this connection is bound to room "${this.room.roomId}"; open a new connection`);
      }
      if (!this.peer.joined) this.peer.identity = identity;
      this.room.applySettings(gate.settings);
      return this.room;
    }

    let room: Room | null = null;
    for (let attempt = 0; attempt < 3 && !room; attempt++) {
      let candidate: Room;
      try {
        candidate = await this.registry.getOrCreate(roomId);
      } catch (err) {
        this.log.error({ err, roomId }, "cannot create room");
        fail("INTERNAL", "media server unavailable; try again shortly");
      }
      if (!candidate!.closed) room = candidate!;
    }
    if (!room) fail("INTERNAL", "room is restarting; try again");
    if (this.closed) {
      // the socket went away while the room was being created: don't leave an empty room behind
      if (room!.peers.size === 0) room!.close("empty");
      fail("NOT_JOINED", "connection closed");
    }
    if (this.room && this.peer) {
      // previous room died under us: forget it
      this.room.removePeer(this.peer);
    }
    const peer = new Peer(this.sink, identity, claims.name.trim().slice(0, 64) || "Guest");
    peer.address = this.remoteAddress;
    room!.bind(peer);
    room!.applySettings(gate.settings);
    this.room = room;
    this.peer = peer;
    return room!;
  }

  private onClose(code: number): void {
    if (this.closed) return;
    this.closed = true;
    this.cleanup(LEAVING_CLOSE_CODES.has(code));
    this.log.debug({ code }, "socket closed");
  }

  /** `left`: the browser closed the socket on purpose (page gone): remove the peer now. */
  private cleanup(left = false): void {
    if (!this.closed) this.closed = true;
    clearTimeout(this.authTimer);
    const { room, peer } = this;
    this.room = null;
    this.peer = null;
    // Not ours any more when a resume moved the peer to a newer socket (or it was replaced).
    if (room && peer && peer.sink === this.sink) {
      try {
        if (left) room.removePeer(peer);
        else room.suspendPeer(peer);
      } catch (err) {
        this.log.error({ err }, "cleanup failed");
      }
    }
    const events = this.events;
    this.events = {};
    events.onClosed?.(this);
  }
}
