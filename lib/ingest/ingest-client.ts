// The bot side of ingest (Node only): joins a room through the product's own signaling with
// an ingest join token, gets one PlainTransport per kind and produces on it; ffmpeg then
// sends RTP to the ports it was given. Used by `npm run room:stream` (an operator streaming a
// file or an RTP source into a room), the load bench's publishers and the e2e test.
import WebSocket from "ws";
import type { MediaKind, MediaSource, ResponseData } from "../signaling/protocol";
import { SignalingClient } from "../client/signaling-client";

/** What ffmpeg's RTP muxer sends: fixed payload types, one SSRC per kind. */
export const INGEST_VIDEO_PT = 101;
export const INGEST_AUDIO_PT = 100;

/** The browser API the product's SignalingClient uses, provided by `ws` in Node. */
export function installNodeWebSocket(): void {
  const g = globalThis as { WebSocket?: unknown };
  if (!g.WebSocket) g.WebSocket = WebSocket;
}

export type IngestTarget = {
  kind: MediaKind;
  transportId: string;
  producerId: string;
  ip: string;
  port: number;
  rtcpPort: number;
  ssrc: number;
  payloadType: number;
};

export type IngestSession = {
  client: SignalingClient;
  peerId: string;
  video?: IngestTarget;
  audio?: IngestTarget;
  /** Leaves the room (so the tile goes at once, not after the reconnect grace) and closes the socket. */
  close(): Promise<void>;
};

function rtpParametersFor(kind: MediaKind, ssrc: number) {
  if (kind === "video") {
    return {
      codecs: [
        {
          mimeType: "video/VP8",
          payloadType: INGEST_VIDEO_PT,
          clockRate: 90000,
          rtcpFeedback: [{ type: "nack" }, { type: "nack", parameter: "pli" }, { type: "ccm", parameter: "fir" }],
        },
      ],
      encodings: [{ ssrc }],
    };
  }
  return {
    codecs: [{ mimeType: "audio/opus", payloadType: INGEST_AUDIO_PT, clockRate: 48000, channels: 2, parameters: { "sprop-stereo": 1 } }],
    encodings: [{ ssrc }],
  };
}

/**
 * Joins `roomId` as an ingest bot and sets up producers for `kinds`. The SSRCs are random
 * unless given. Throws the server's error (e.g. FORBIDDEN for a non-ingest token).
 */
export async function startIngest(opts: {
  wsUrl: string;
  roomId: string;
  token: string;
  name: string;
  kinds?: MediaKind[];
  ssrcs?: Partial<Record<MediaKind, number>>;
}): Promise<IngestSession> {
  installNodeWebSocket();
  const client = new SignalingClient(opts.wsUrl);
  await client.connect();
  try {
    const { routerRtpCapabilities } = await client.request("getRouterRtpCapabilities", {
      roomId: opts.roomId,
      token: opts.token,
    });
    const join = await client.request("join", {
      roomId: opts.roomId,
      token: opts.token,
      displayName: opts.name,
      rtpCapabilities: routerRtpCapabilities,
    });
    // streams never wait in the lobby (server/rooms/room-moderation.ts); anything else is a bug
    if (join.status !== "joined") throw new Error(`the room kept the stream waiting (${join.reason})`);
    const session: IngestSession = {
      client,
      peerId: join.peerId,
      async close() {
        await client.request("leave", {}, { timeoutMs: 2000 }).catch(() => undefined);
        client.close();
      },
    };
    for (const kind of opts.kinds ?? (["video", "audio"] as const)) {
      const t: ResponseData<"createPlainTransport"> = await client.request("createPlainTransport", { kind });
      // ffmpeg's RTP muxer takes the SSRC as a signed 32-bit option: stay below 2^31
      const ssrc = opts.ssrcs?.[kind] ?? 1 + Math.floor(Math.random() * 0x7ffffffe);
      const source: MediaSource = kind === "video" ? "camera" : "mic";
      const { producerId } = await client.request("produce", {
        transportId: t.id,
        kind,
        source,
        rtpParameters: rtpParametersFor(kind, ssrc),
      });
      session[kind] = {
        kind,
        transportId: t.id,
        producerId,
        ip: t.ip,
        port: t.port,
        rtcpPort: t.rtcpPort,
        ssrc,
        payloadType: kind === "video" ? INGEST_VIDEO_PT : INGEST_AUDIO_PT,
      };
    }
    return session;
  } catch (err) {
    client.close();
    throw err;
  }
}
