// One SignalingConnection per WebSocket: parses frames with protocol.ts, checks the join
// token, binds the socket to a Room (pre-join warm-up or join) and hands requests to it.
// Nothing a client sends can throw out of here: every failure becomes an error reply.
import type { IncomingMessage } from "node:http";
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import {
  CLOSE_POLICY_VIOLATION,
  encodeError,
  encodeReply,
  parseRequest,
  type ParsedRequest,
  type SignalingError,
} from "../../lib/signaling/protocol";
import type { Logger } from "../logger";
import { metrics } from "../metrics";
import { fail, RequestError } from "../rooms/errors";
import { Peer, type PeerSink } from "../rooms/peer";
import type { Room, RoomRequest } from "../rooms/room";
import type { RoomRegistry } from "../rooms/room-registry";
import type { PeerIdentity } from "../rooms/room-observer";
import type { ConnectionServices } from "./connection-services";

export type ConnectionLimits = {
  /** Sustained messages per second allowed from one socket (token bucket refill rate). */
  messagesPerSecond: number;
  /** Burst size of the token bucket. */
  burst: number;
  /** Requests waiting to be processed before new ones get RATE_LIMITED. */
  maxQueuedRequests: number;
  /** Outgoing bytes buffered for a slow client before it is disconnected. */
  maxBufferedBytes: number;
};

export const DEFAULT_LIMITS: ConnectionLimits = {
  messagesPerSecond: 200,
  // a join into a 50-peer room legitimately sends ~150 resumeConsumer at once
  burst: 400,
  maxQueuedRequests: 400,
  maxBufferedBytes: 8 * 1024 * 1024,
};

export class SignalingConnection {
  readonly id = randomUUID();
  private room: Room | null = null;
  private peer: Peer | null = null;
  private closed = false;
  /** Requests run one at a time per socket, in arrival order (no racing join/createTransport). */
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  private tokens: number;
  private lastRefill = Date.now();
  private readonly log: Logger;
  private readonly sink: PeerSink;

  constructor(
    private readonly ws: WebSocket,
    req: IncomingMessage,
    private readonly registry: RoomRegistry,
    logger: Logger,
    private readonly limits: ConnectionLimits = DEFAULT_LIMITS,
    private readonly services: ConnectionServices,
  ) {
    this.tokens = limits.burst;
    this.log = logger.child({ conn: this.id.slice(0, 8), ip: req.socket.remoteAddress });
    this.sink = {
      send: (text) => this.send(text),
      close: (code, reason) => this.closeSocket(code, reason),
    };
    ws.on("message", (data, isBinary) => this.onMessage(data, isBinary));
    ws.on("close", () => this.onClose());
    ws.on("error", (err) => {
      this.log.debug({ err: err.message }, "socket error");
      this.onClose();
    });
    this.log.debug("socket connected");
  }

  /** The bound peer (for tests / stats). */
  get boundPeer(): Peer | null {
    return this.peer;
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

  private takeToken(): boolean {
    const now = Date.now();
    const elapsed = (now - this.lastRefill) / 1000;
    this.lastRefill = now;
    this.tokens = Math.min(this.limits.burst, this.tokens + elapsed * this.limits.messagesPerSecond);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    if (this.closed) return;
    if (!this.takeToken()) {
      this.log.warn("message flood; closing socket");
      this.closeSocket(CLOSE_POLICY_VIOLATION, "rate limit exceeded");
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
      case "leave": {
        const { room, peer } = this;
        this.room = null;
        this.peer = null;
        if (!room || !peer || room.closed || !room.peers.has(peer.id)) {
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

  /** Verifies the token and binds this socket to its room (creating the room if needed). */
  private async bind(roomId: string, token: string): Promise<Room> {
    // signature, expiry, room, deny-list and (several nodes) the hosting node
    const { claims } = await this.services.admission.admit(token, roomId);
    const identity: PeerIdentity = {
      participantKey: claims.sub,
      isGuest: claims.guest,
      isHost: claims.host,
      ...(claims.uid !== undefined ? { userId: claims.uid } : {}),
      ...(claims.mid !== undefined ? { meetingId: claims.mid } : {}),
    };

    if (this.room && !this.room.closed && this.peer && this.room.peers.has(this.peer.id)) {
      if (this.room.roomId !== roomId) {
        fail("BAD_REQUEST", `this connection is bound to room "${this.room.roomId}"; open a new connection`);
      }
      if (!this.peer.joined) this.peer.identity = identity;
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
    room!.bind(peer);
    this.room = room;
    this.peer = peer;
    return room!;
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.cleanup();
    this.log.debug("socket closed");
  }

  private cleanup(): void {
    this.closed = true;
    const { room, peer } = this;
    this.room = null;
    this.peer = null;
    if (room && peer) {
      try {
        room.removePeer(peer);
      } catch (err) {
        this.log.error({ err }, "cleanup failed");
      }
    }
  }
}
