// The signaling protocol between browser and server: one zod schema per message.
// Client and server both take their TypeScript types from here (z.infer), so what is
// validated and what is typed cannot drift apart.
//
// Wire format (JSON text frames):
//   request       {id, method, data}
//   reply         {id, ok: true, data} | {id, ok: false, error: {code, message}}
//   notification  {notification, data}   (server -> client only)
import { z } from "zod";

export const WS_PATH = "/ws";
/** Frames larger than this are refused (close 1008) before they are parsed. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** WebSocket close code for policy violations (oversized frames, floods). */
export const CLOSE_POLICY_VIOLATION = 1008;

/**
 * Every close code the server uses, and what the client does on it. Codes the client must
 * not reconnect after are listed in FINAL_CLOSE_CODES.
 */
export const CLOSE_CODES = {
  /** Frame too large, message flood. Reconnect (with backoff). */
  policyViolation: CLOSE_POLICY_VIOLATION,
  /** Server restarting (deploy, SIGTERM): reconnect with jittered backoff, then rejoin. */
  serviceRestart: 1012,
  /** The room was torn down on the server. Reconnect: a rejoin builds it again. */
  roomClosed: 4000,
  /** No valid join token within the auth timeout. */
  authTimeout: 4001,
  /** The same participant joined again from another connection (another tab or device). */
  replaced: 4002,
  /** This connection was superseded by a resume on a newer connection of the same client. */
  superseded: 4003,
  /** Silent: no frame within the liveness timeout although the client pings. */
  livenessTimeout: 4004,
  /** A host removed this participant. Final: coming back needs a host's admission. */
  removed: 4010,
  /** A host ended the meeting for everyone, or the meeting was cancelled. Final. */
  meetingEnded: 4011,
  /** A host denied this person's request to enter (lobby). Final. */
  lobbyDenied: 4012,
  /**
   * Client → server: "I am replacing this socket" (its reconnect gave up on it). Like a lost
   * socket, the peer is kept for its grace period.
   */
  clientReconnecting: 4100,
} as const;
/**
 * A browser closing the socket cleanly — 1000 (our own close on leave/unmount) or 1001 (the
 * page is going away: tab closed, navigation) — means the person left; anything else
 * (no close frame, errors, 4100) is a lost connection that may come back.
 */
export const LEAVING_CLOSE_CODES: ReadonlySet<number> = new Set([1000, 1001]);
/** After these the client stops reconnecting on its own. */
export const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CLOSE_CODES.replaced,
  CLOSE_CODES.superseded,
  CLOSE_CODES.removed,
  CLOSE_CODES.meetingEnded,
  CLOSE_CODES.lobbyDenied,
]);

/**
 * Liveness: the client sends a `ping` every PING_INTERVAL_MS and gives up on a socket that
 * brought no frame for CLIENT_LIVENESS_TIMEOUT_MS (a dead network never closes a TCP socket
 * by itself). The server drops a pinging socket silent for SERVER_LIVENESS_TIMEOUT_MS, a bit
 * later, so a resume usually arrives before the server has even noticed.
 */
export const PING_INTERVAL_MS = 500;
export const CLIENT_LIVENESS_TIMEOUT_MS = 1_500;
export const SERVER_LIVENESS_TIMEOUT_MS = 3_500;

// ---- building blocks -------------------------------------------------------------------

export const roomIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "room id: 1-64 letters, digits, '-' or '_'");
export const displayNameSchema = z
  .string()
  .trim()
  .min(1, "display name is required")
  .max(64, "display name: at most 64 characters");
const objectId = z.string().min(1).max(128);
/** A signed join token (JWT) issued by the Next route /api/rooms/[roomId]/join-token. */
const joinToken = z.string().min(10).max(4096);

export const mediaKindSchema = z.enum(["audio", "video"]);
/** What a producer carries; sent as the producer's appData.source. */
export const mediaSourceSchema = z.enum(["mic", "camera", "screen"]);
export const transportDirectionSchema = z.enum(["send", "recv"]);
export const qualityLevelSchema = z.enum(["excellent", "good", "poor", "lost"]);

// mediasoup's own objects are checked for shape here and validated deeply by mediasoup
// itself (which throws, and the server answers with an error reply).
const rtpCodecCapability = z.looseObject({
  kind: mediaKindSchema,
  mimeType: z.string().max(64),
  clockRate: z.number().int().positive(),
});
export const rtpCapabilitiesSchema = z.looseObject({
  codecs: z.array(rtpCodecCapability).max(64).optional(),
  headerExtensions: z.array(z.looseObject({ uri: z.string().max(256) })).max(64).optional(),
});
const dtlsParameters = z.looseObject({
  role: z.enum(["auto", "client", "server"]).optional(),
  fingerprints: z
    .array(z.looseObject({ algorithm: z.string().max(32), value: z.string().max(256) }))
    .min(1)
    .max(8),
});
const rtpParameters = z.looseObject({
  mid: z.string().max(32).optional(),
  codecs: z
    .array(
      z.looseObject({
        mimeType: z.string().max(64),
        payloadType: z.number().int().min(0).max(127),
        clockRate: z.number().int().positive(),
      }),
    )
    .min(1)
    .max(16),
  encodings: z.array(z.looseObject({})).max(8).optional(),
  headerExtensions: z.array(z.looseObject({ uri: z.string().max(256) })).max(32).optional(),
  rtcp: z.looseObject({}).optional(),
});
const iceParameters = z.looseObject({ usernameFragment: z.string(), password: z.string() });
/** One RTCConfiguration.iceServers entry: TURN with time-limited credentials (lib/turn). */
export const iceServerSchema = z.object({
  urls: z.array(z.string().min(1).max(256)).min(1).max(8),
  username: z.string().max(512).optional(),
  credential: z.string().max(512).optional(),
});

/**
 * A participant's rights in the room: the meeting's owner ("host"), someone the host promoted
 * for this session ("cohost"), or everyone else. Hosts and co-hosts have host rights.
 */
export const participantRoleSchema = z.enum(["host", "cohost", "participant"]);
/** Quick reactions, shown briefly on the sender's tile (names, not emoji, on the wire). */
export const reactionSchema = z.enum(["thumbs-up", "clap", "laugh", "heart", "party", "wow"]);
/** Why a person waits instead of entering: the lobby (waiting room, lock, removed earlier) or no host yet. */
export const waitingReasonSchema = z.enum(["lobby", "host-absent"]);

export const producerInfoSchema = z.object({
  id: objectId,
  kind: mediaKindSchema,
  source: mediaSourceSchema,
  paused: z.boolean(),
});
export const peerInfoSchema = z.object({
  id: objectId,
  displayName: z.string(),
  /** Has host rights (role "host" or "cohost"). */
  isHost: z.boolean(),
  role: participantRoleSchema,
  producers: z.array(producerInfoSchema),
  /** The peer's signaling socket is lost; it is kept for its reconnect grace period. */
  reconnecting: z.boolean(),
});

/** A raised hand; the room lists them in the order raised. */
export const raisedHandSchema = z.object({ peerId: objectId, raisedAt: z.number().int().nonnegative() });
/** Someone waiting in the lobby, as hosts and co-hosts see them. */
export const lobbyRequestSchema = z.object({
  peerId: objectId,
  displayName: z.string(),
  /** When they asked (epoch ms). */
  since: z.number().int().nonnegative(),
  /** A host removed this person earlier in this session. */
  removedEarlier: z.boolean(),
});
/** The room's moderation state as one participant may see it. */
export const roomControlSchema = z.object({
  locked: z.boolean(),
  hands: z.array(raisedHandSchema),
  /** Only for hosts and co-hosts (empty for everyone else). */
  lobby: z.array(lobbyRequestSchema),
});
/** What a waiting person is told. */
export const waitingInfoSchema = z.object({
  reason: waitingReasonSchema,
  /** The meeting's scheduled start (ISO 8601, UTC), shown in the viewer's own zone. */
  startsAt: z.string().max(40).nullable(),
});

/** A consumer the server created for a client: what `newConsumer` announces. */
export const consumerInfoSchema = z.object({
  peerId: objectId,
  producerId: objectId,
  consumerId: objectId,
  kind: mediaKindSchema,
  source: mediaSourceSchema,
  rtpParameters,
  producerPaused: z.boolean(),
});

const resumeSecret = z.string().min(16).max(128);

// ---- chat -------------------------------------------------------------------------------

/** Longest chat message, in UTF-16 code units (what `String.length` counts). */
export const CHAT_MAX_LENGTH = 2000;
/** Messages a late joiner or a reconnecting person gets (the newest). */
export const CHAT_HISTORY_LIMIT = 100;

/** One chat message as the server stored and relayed it (text only; clients never render HTML). */
export const chatMessageSchema = z.object({
  id: objectId,
  /** The sender's peer id when sent (it changes on a rejoin; the name is what people see). */
  fromPeerId: objectId,
  fromName: z.string().max(64),
  text: z.string().min(1).max(CHAT_MAX_LENGTH),
  /** Server time, ms since the epoch. */
  sentAt: z.number().int().nonnegative(),
});
/** What a client may send: trimmed, non-empty, at most CHAT_MAX_LENGTH. */
export const chatTextSchema = z
  .string()
  .trim()
  .min(1, "message is empty")
  .max(CHAT_MAX_LENGTH, `message: at most ${CHAT_MAX_LENGTH} characters`);
/** One spatial layer of a video producer: the picture size it carries. */
export const videoLayerSchema = z.object({
  width: z.number().int().min(1).max(8192),
  height: z.number().int().min(1).max(8192),
});

/**
 * How a viewer shows one remote video right now (per-viewer layers): its rendered size in
 * device pixels (CSS size × devicePixelRatio) and whether any of it can be seen.
 */
export const consumerViewSchema = z.object({
  consumerId: objectId,
  visible: z.boolean(),
  width: z.number().int().min(0).max(16384),
  height: z.number().int().min(0).max(16384),
});

/** At most this many views per `updateConsumerViews` (a 25-tile page + screens, with room to spare). */
export const MAX_VIEWS_PER_UPDATE = 100;

/** One participant's network quality, summarised from mediasoup's RTCP-derived stats. */
export const peerQualitySchema = z.object({
  peerId: objectId,
  level: qualityLevelSchema,
  /** 0..10, mediasoup's score (min over this peer's producers; 10 = perfect). */
  score: z.number().min(0).max(10),
  /** Fraction lost on the peer's uplink as reported by RTCP, in percent. */
  packetLossPercent: z.number().min(0),
  /** Round-trip time seen on the peer's transports, milliseconds (null before RTCP). */
  rttMs: z.number().min(0).nullable(),
  sendKbps: z.number().min(0),
  recvKbps: z.number().min(0),
  /**
   * What this peer receives from the SFU (consumer scores, loss and jitter of what the
   * viewer gets, the SFU's estimate of its available downlink). Absent until measured.
   */
  downlink: z
    .object({
      /** 0..10, min consumer score over what this peer receives. */
      score: z.number().min(0).max(10),
      packetLossPercent: z.number().min(0),
      jitterMs: z.number().min(0).nullable(),
      availableKbps: z.number().min(0).nullable(),
    })
    .optional(),
});

// ---- requests (client -> server) and their replies -------------------------------------

export const requestSchemas = {
  /** Allowed before join (pre-join warm-up): binds the socket to a room. */
  getRouterRtpCapabilities: z.object({ roomId: roomIdSchema, token: joinToken }),
  join: z.object({
    roomId: roomIdSchema,
    token: joinToken,
    displayName: displayNameSchema,
    rtpCapabilities: rtpCapabilitiesSchema,
    /** The client comes back after its resume was impossible (for the metrics only). */
    rejoin: z.boolean().optional(),
  }),
  createTransport: z.object({ direction: transportDirectionSchema }),
  connectTransport: z.object({ transportId: objectId, dtlsParameters }),
  produce: z.object({
    transportId: objectId,
    kind: mediaKindSchema,
    rtpParameters,
    source: mediaSourceSchema,
    paused: z.boolean().optional(),
    /**
     * Video: the picture size of each spatial layer, lowest first (simulcast encodings or
     * SVC spatial layers). The server picks layers per viewer from these.
     */
    videoLayers: z.array(videoLayerSchema).min(1).max(4).optional(),
  }),
  closeProducer: z.object({ producerId: objectId }),
  pauseProducer: z.object({ producerId: objectId }),
  resumeProducer: z.object({ producerId: objectId }),
  resumeConsumer: z.object({ consumerId: objectId }),
  setConsumerPreferredLayers: z.object({
    consumerId: objectId,
    spatialLayer: z.number().int().min(0).max(3),
    temporalLayer: z.number().int().min(0).max(3).optional(),
  }),
  restartIce: z.object({ transportId: objectId }),
  /**
   * Per-viewer layers: how this client shows the videos it consumes (only changed ones).
   * The server picks each consumer's layers from it and pauses what nobody can see.
   */
  updateConsumerViews: z.object({ views: z.array(consumerViewSchema).min(1).max(MAX_VIEWS_PER_UPDATE) }),
  /**
   * What this client measures on what it receives (its inbound RTP, last ~2 s): the
   * receive half of its call quality.
   */
  reportReceiveQuality: z.object({
    packetLossPercent: z.number().min(0).max(100),
    jitterMs: z.number().min(0).max(60_000).nullable(),
  }),
  /**
   * Ingest (bot) tokens only, after join: a PlainTransport that an RTP source (ffmpeg) sends
   * one kind of media to (comedia: the server learns the source's address from its first
   * packet). `produce` then takes its id as transportId. FORBIDDEN for everyone else.
   */
  createPlainTransport: z.object({ kind: mediaKindSchema }),
  leave: z.object({}).optional(),
  /** Liveness probe, answered at once (outside the request queue). */
  ping: z.object({}).optional(),
  /**
   * Binds this (new) socket to a joined peer whose socket was lost, within its grace period.
   * Fails with RESUME_FAILED when the peer is gone (grace over, server restarted, wrong
   * secret): the client then joins again.
   */
  resume: z.object({ roomId: roomIdSchema, peerId: objectId, secret: resumeSecret }),
  /** A chat message to everyone in the room (joined peers only; rate-limited per person). */
  sendChat: z.object({ text: chatTextSchema }),
  /** The room's last CHAT_HISTORY_LIMIT messages (also in the join and resume replies). */
  getChatHistory: z.object({}).optional(),

  // ---- participation (anyone in the room) ----
  raiseHand: z.object({}).optional(),
  /** Lowers one's own hand; with `peerId`, someone else's (host rights). */
  lowerHand: z.object({ peerId: objectId.optional() }).optional(),
  react: z.object({ reaction: reactionSchema }),

  // ---- host controls (host rights; FORBIDDEN otherwise) ----
  /** Pauses someone's mic or camera, or stops their screen share. They may turn it on again themselves. */
  muteParticipant: z.object({ peerId: objectId, source: mediaSourceSchema }),
  /** Pauses the mic of everyone the caller outranks. */
  muteAll: z.object({}).optional(),
  /** Removes someone; they can come back only if a host admits them from the lobby. */
  removeParticipant: z.object({ peerId: objectId }),
  /** While locked, newcomers wait in the lobby. */
  setRoomLock: z.object({ locked: z.boolean() }),
  lobbyAdmit: z.object({ peerId: objectId }),
  lobbyAdmitAll: z.object({}).optional(),
  lobbyDeny: z.object({ peerId: objectId }),
  /** The meeting's owner promotes / demotes a co-host (kept by participantKey for the session). */
  setCoHost: z.object({ peerId: objectId, cohost: z.boolean() }),
  /** Ends the meeting for everyone; outstanding join tokens stop working. */
  endMeeting: z.object({}).optional(),
} as const;

const empty = z.object({});

/** A successful entry into the room: the `join` reply, or the `admitted` notification. */
export const joinedSchema = z.object({
  peerId: objectId,
  isHost: z.boolean(),
  role: participantRoleSchema,
  routerRtpCapabilities: rtpCapabilitiesSchema,
  peers: z.array(peerInfoSchema),
  /** Proves this client owns `peerId` in a `resume` (single purpose, in server memory only). */
  resumeSecret,
  /** How long the server keeps this peer after its socket is lost. */
  reconnectGraceMs: z.number().int().positive(),
  /**
   * Signed, room-bound: presented to the join-token route it keeps this participant's
   * identity (guests too) for a full rejoin after the peer is gone.
   */
  rejoinTicket: z.string().min(10).max(4096),
  control: roomControlSchema,
  /** The room's last CHAT_HISTORY_LIMIT chat messages, oldest first. */
  chat: z.array(chatMessageSchema).max(CHAT_HISTORY_LIMIT).default([]),
});

export const responseSchemas = {
  getRouterRtpCapabilities: z.object({ routerRtpCapabilities: rtpCapabilitiesSchema }),
  /**
   * "joined": in the room. "waiting": in the lobby or waiting for the host; an `admitted`
   * notification (same payload as "joined") follows when they may enter.
   */
  join: z.discriminatedUnion("status", [
    joinedSchema.extend({ status: z.literal("joined") }),
    waitingInfoSchema.extend({ status: z.literal("waiting") }),
  ]),
  createTransport: z.object({
    id: objectId,
    iceParameters,
    iceCandidates: z.array(z.looseObject({})),
    dtlsParameters,
    /** TURN servers for device.create{Send,Recv}Transport({iceServers}); absent without TURN. */
    iceServers: z.array(iceServerSchema).max(8).optional(),
  }),
  connectTransport: empty,
  produce: z.object({ producerId: objectId }),
  closeProducer: empty,
  pauseProducer: empty,
  resumeProducer: empty,
  resumeConsumer: empty,
  setConsumerPreferredLayers: empty,
  restartIce: z.object({ iceParameters }),
  updateConsumerViews: empty,
  reportReceiveQuality: empty,
  createPlainTransport: z.object({
    id: objectId,
    /** Where to send RTP (and RTCP: rtcpPort, not multiplexed). */
    ip: z.string(),
    port: z.number().int().min(1).max(65535),
    rtcpPort: z.number().int().min(1).max(65535),
  }),
  leave: empty,
  ping: empty,
  resume: z.object({
    peerId: objectId,
    isHost: z.boolean(),
    role: participantRoleSchema,
    control: roomControlSchema,
    /** Sources a host turned off while this peer's socket was down (apply before reconciling). */
    mutedByHost: z.array(mediaSourceSchema),
    /** Every other joined peer, as in the join reply. */
    peers: z.array(peerInfoSchema),
    /** The consumers the server holds for this peer (the client drops the ones not listed). */
    consumers: z.array(consumerInfoSchema),
    /** This peer's producers still alive on the server. */
    producers: z.array(producerInfoSchema),
    /** This peer's transports still alive on the server (gone after a media worker died). */
    transports: z.array(z.object({ id: objectId, direction: transportDirectionSchema })),
    reconnectGraceMs: z.number().int().positive(),
    /**
     * The new socket comes from another address than the previous one: the client's network
     * changed, so its media paths are dead too — restart ICE on every transport.
     */
    addressChanged: z.boolean(),
    /** The room's last chat messages (some may have been missed while the socket was down). */
    chat: z.array(chatMessageSchema).max(CHAT_HISTORY_LIMIT).default([]),
  }),
  sendChat: z.object({ message: chatMessageSchema }),
  getChatHistory: z.object({ messages: z.array(chatMessageSchema).max(CHAT_HISTORY_LIMIT) }),
  raiseHand: empty,
  lowerHand: empty,
  react: empty,
  muteParticipant: empty,
  /** How many participants were muted. */
  muteAll: z.object({ muted: z.number().int().nonnegative() }),
  removeParticipant: empty,
  setRoomLock: empty,
  lobbyAdmit: empty,
  lobbyAdmitAll: z.object({ admitted: z.number().int().nonnegative() }),
  lobbyDeny: empty,
  setCoHost: empty,
  endMeeting: empty,
} as const satisfies Record<keyof typeof requestSchemas, z.ZodType>;

export type Method = keyof typeof requestSchemas;
export type RequestData<M extends Method> = z.input<(typeof requestSchemas)[M]>;
export type ParsedRequestData<M extends Method> = z.output<(typeof requestSchemas)[M]>;
export type ResponseData<M extends Method> = z.infer<(typeof responseSchemas)[M]>;

export const errorCodeSchema = z.enum([
  "BAD_JSON", // frame is not JSON
  "BAD_REQUEST", // envelope or data has the wrong shape
  "UNKNOWN_METHOD",
  "UNAUTHORIZED", // missing, invalid or expired join token
  "FORBIDDEN", // token is for another room, the object is someone else's, or it needs host rights
  "NOT_JOINED", // call needs join first
  "ALREADY_JOINED",
  "NOT_FOUND", // transport / producer / consumer id unknown (to this peer)
  "ROOM_FULL",
  "WRONG_NODE", // several nodes: the room is hosted on another node; fetch a new join token
  "UNSUPPORTED", // e.g. client cannot consume the producer's codec
  "RATE_LIMITED",
  "RESUME_FAILED", // resume impossible (peer gone, wrong secret): join again
  "INTERNAL",
]);
export type ErrorCode = z.infer<typeof errorCodeSchema>;
export const errorSchema = z.object({ code: errorCodeSchema, message: z.string() });
export type SignalingError = z.infer<typeof errorSchema>;

const requestIdSchema = z.union([z.number().int().nonnegative(), z.string().min(1).max(64)]);
export type RequestId = z.infer<typeof requestIdSchema>;

/** The envelope every request must have; `data` is checked against the method's schema. */
export const requestEnvelopeSchema = z.object({
  id: requestIdSchema,
  method: z.string().max(64),
  data: z.unknown().optional(),
});

export const replySchema = z.union([
  z.object({ id: requestIdSchema, ok: z.literal(true), data: z.unknown() }),
  // id is null when the frame had no usable id (bad JSON, binary frame, broken envelope).
  z.object({ id: requestIdSchema.nullable(), ok: z.literal(false), error: errorSchema }),
]);
export type Reply = z.infer<typeof replySchema>;

// ---- notifications (server -> client) ---------------------------------------------------

export const notificationSchemas = {
  peerJoined: z.object({ peer: peerInfoSchema }),
  peerLeft: z.object({ peerId: objectId }),
  newConsumer: consumerInfoSchema,
  consumerClosed: z.object({ consumerId: objectId }),
  /** The remote producer was paused (e.g. camera muted) / resumed. */
  consumerPaused: z.object({ consumerId: objectId }),
  consumerResumed: z.object({ consumerId: objectId }),
  /** Periodic summary (every ~2 s) of every participant's network quality. */
  qualityUpdate: z.object({ peers: z.array(peerQualitySchema) }),
  /** A peer's socket was lost; it is kept (tiles stay, marked) for its grace period. */
  peerReconnecting: z.object({ peerId: objectId }),
  /** That peer resumed within its grace period. */
  peerReconnected: z.object({ peerId: objectId }),
  /**
   * The room moved to another media worker (the old one died): every transport, producer and
   * consumer of this peer is gone. Create both transports again, publish again; consumers
   * for the others' media follow as they publish.
   */
  mediaReset: z.object({ reason: z.string().max(200) }),
  /** Someone else sent a chat message (the sender gets theirs in the sendChat reply). */
  chatMessage: chatMessageSchema,
  /**
   * Dynacast, to a publisher: the highest spatial layer of its producer anyone needs now
   * (send encodings above it can stop); null = nobody needs the producer: send nothing.
   */
  producerDemand: z.object({ producerId: objectId, maxSpatialLayer: z.number().int().min(0).max(3).nullable() }),
  /** The dominant speaker changed (mediasoup's ActiveSpeakerObserver); null = none yet. */
  activeSpeaker: z.object({ peerId: objectId.nullable() }),
  /** Who is speaking now (audio level above the threshold), when that set changes. */
  speakingPeers: z.object({ peerIds: z.array(objectId).max(1000) }),

  // ---- moderation, lobby, hands ----
  /** A waiting person may enter now (a host admitted them, or the host arrived). */
  admitted: joinedSchema,
  /** A waiting person's situation changed (e.g. the host arrived, but the lobby is on). */
  waitingChanged: waitingInfoSchema,
  /** A participant's role changed (co-host promoted / demoted); also sent to that participant. */
  peerUpdated: z.object({ peer: peerInfoSchema }),
  handsChanged: z.object({ hands: z.array(raisedHandSchema) }),
  reaction: z.object({ peerId: objectId, reaction: reactionSchema }),
  /** A host turned this participant's mic / camera off or stopped their screen share. */
  mutedByHost: z.object({ source: mediaSourceSchema, by: z.string() }),
  roomLockChanged: z.object({ locked: z.boolean(), by: z.string() }),
  /** Hosts and co-hosts only: who waits in the lobby now, in arrival order. */
  lobbyChanged: z.object({ requests: z.array(lobbyRequestSchema) }),
} as const;

export type NotificationName = keyof typeof notificationSchemas;
export type NotificationData<N extends NotificationName> = z.infer<(typeof notificationSchemas)[N]>;
export type Notification = {
  [N in NotificationName]: { notification: N; data: NotificationData<N> };
}[NotificationName];

export const notificationEnvelopeSchema = z.object({
  notification: z.string(),
  data: z.unknown(),
});

export type PeerInfo = z.infer<typeof peerInfoSchema>;
export type ParticipantRole = z.infer<typeof participantRoleSchema>;
export type Reaction = z.infer<typeof reactionSchema>;
export type RaisedHand = z.infer<typeof raisedHandSchema>;
export type LobbyRequest = z.infer<typeof lobbyRequestSchema>;
export type RoomControl = z.infer<typeof roomControlSchema>;
export type WaitingInfo = z.infer<typeof waitingInfoSchema>;
export type WaitingReason = z.infer<typeof waitingReasonSchema>;
export type Joined = z.infer<typeof joinedSchema>;
export type IceServer = z.infer<typeof iceServerSchema>;
export type ConsumerInfo = z.infer<typeof consumerInfoSchema>;
export type ProducerInfo = z.infer<typeof producerInfoSchema>;
export type PeerQuality = z.infer<typeof peerQualitySchema>;
export type ChatMessage = z.infer<typeof chatMessageSchema>;
export type QualityLevel = z.infer<typeof qualityLevelSchema>;
export type MediaSource = z.infer<typeof mediaSourceSchema>;
export type MediaKind = z.infer<typeof mediaKindSchema>;
export type TransportDirection = z.infer<typeof transportDirectionSchema>;
export type VideoLayer = z.infer<typeof videoLayerSchema>;
export type ConsumerView = z.infer<typeof consumerViewSchema>;

// ---- parsing --------------------------------------------------------------------------

export type ParsedRequest = {
  [M in Method]: { id: RequestId; method: M; data: ParsedRequestData<M> };
}[Method];

export type ParseResult =
  | { ok: true; request: ParsedRequest }
  | { ok: false; id: RequestId | null; error: SignalingError };

function isMethod(name: string): name is Method {
  return Object.prototype.hasOwnProperty.call(requestSchemas, name);
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
}

/** Turns one text frame into a typed request, or says exactly what is wrong with it. */
export function parseRequest(text: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, id: null, error: { code: "BAD_JSON", message: "frame is not valid JSON" } };
  }
  const envelope = requestEnvelopeSchema.safeParse(json);
  if (!envelope.success) {
    const id = requestIdSchema.safeParse((json as { id?: unknown } | null)?.id);
    return {
      ok: false,
      id: id.success ? id.data : null,
      error: { code: "BAD_REQUEST", message: `bad request envelope: ${describeIssues(envelope.error)}` },
    };
  }
  const { id, method, data } = envelope.data;
  if (!isMethod(method)) {
    return { ok: false, id, error: { code: "UNKNOWN_METHOD", message: `unknown method "${method}"` } };
  }
  const parsed = requestSchemas[method].safeParse(data ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      id,
      error: { code: "BAD_REQUEST", message: `${method}: ${describeIssues(parsed.error)}` },
    };
  }
  return { ok: true, request: { id, method, data: parsed.data } as ParsedRequest };
}

export function encodeReply(id: RequestId, data: unknown): string {
  return JSON.stringify({ id, ok: true, data });
}

export function encodeError(id: RequestId | null, error: SignalingError): string {
  return JSON.stringify({ id, ok: false, error });
}

export function encodeNotification<N extends NotificationName>(name: N, data: NotificationData<N>): string {
  return JSON.stringify({ notification: name, data });
}
