// Ingest: an admin (or an operator holding the server secret) streams a file or an RTP source
// into a room. The bot joins like anyone else with a join token that carries `ingest: true`
// (lib/auth/join-token.ts), then asks for PlainTransports (one per kind) that ffmpeg sends
// plain RTP to, and produces on them with the ordinary `produce` request. Everyone else sees
// a participant named "Stream: <name>" with a camera (and mic) tile. Only ingest peers may
// create PlainTransports; nobody else can produce on one (it belongs to its bot).
import type { types as ms } from "mediasoup";
import type { ParsedRequestData, ResponseData } from "../../lib/signaling/protocol";
import { fail } from "./errors";
import type { Peer, PlainTransportAppData } from "./peer";

/** One video and one audio transport is what a stream needs; a few spare for a restart. */
export const MAX_INGEST_TRANSPORTS = 4;
export const INGEST_NAME_PREFIX = "Stream: ";

export type IngestOptions = {
  /** Address the PlainTransports listen on (INGEST_LISTEN_IP, loopback by default). */
  listenIp: string;
  /** What to tell the bot to send to (default: listenIp). */
  announcedAddress?: string;
};

export const DEFAULT_INGEST_OPTIONS: IngestOptions = { listenIp: "127.0.0.1" };

/** The name other participants see: always marked as a stream, so a bot cannot pass for a person. */
export function ingestDisplayName(name: string): string {
  const bare = name.trim().replace(/^stream:\s*/i, "") || "stream";
  return `${INGEST_NAME_PREFIX}${bare}`.slice(0, 64);
}

/** Throws FORBIDDEN unless `peer` joined with an ingest token. */
export function assertIngestPeer(peer: Peer): void {
  if (!peer.identity.isIngest) {
    fail("FORBIDDEN", "only ingest (bot) tokens issued to admins can stream RTP into a room");
  }
  if (!peer.joined) fail("NOT_JOINED", "createPlainTransport needs join first");
}

export class RoomIngest {
  constructor(
    /** The router the bot's transports go on (its home router in a room across cores). */
    private readonly router: (peer: Peer) => Promise<ms.Router>,
    private readonly options: IngestOptions = DEFAULT_INGEST_OPTIONS,
  ) {}

  async createPlainTransport(
    peer: Peer,
    data: ParsedRequestData<"createPlainTransport">,
  ): Promise<ResponseData<"createPlainTransport">> {
    assertIngestPeer(peer);
    if (peer.plainTransports.size >= MAX_INGEST_TRANSPORTS) {
      fail("BAD_REQUEST", `at most ${MAX_INGEST_TRANSPORTS} ingest transports per stream`);
    }
    const router = await this.router(peer);
    const transport = await router.createPlainTransport<PlainTransportAppData>({
      listenInfo: {
        protocol: "udp",
        ip: this.options.listenIp,
        ...(this.options.announcedAddress ? { announcedAddress: this.options.announcedAddress } : {}),
      },
      // ffmpeg's RTP muxer sends RTCP to port + 1 unless told otherwise: keep RTCP apart
      rtcpMux: false,
      comedia: true,
      appData: { peerId: peer.id, kind: data.kind },
    });
    if (peer.closed || !peer.joined) {
      transport.close();
      fail("NOT_JOINED", "left while the transport was being created");
    }
    peer.plainTransports.set(transport.id, transport);
    transport.observer.once("close", () => peer.plainTransports.delete(transport.id));
    return {
      id: transport.id,
      ip: this.options.announcedAddress ?? transport.tuple.localAddress ?? this.options.listenIp,
      port: transport.tuple.localPort,
      rtcpPort: transport.rtcpTuple?.localPort ?? transport.tuple.localPort,
    };
  }
}

/**
 * The transport `produce` may use for `peer`: its own ingest PlainTransport with that id (of
 * the right kind), or undefined when the id is not one (the caller then looks for a WebRTC
 * send transport, and answers FORBIDDEN / NOT_FOUND for anybody else's).
 */
export function ingestTransportFor(peer: Peer, transportId: string, kind: ms.MediaKind): ms.PlainTransport | undefined {
  const transport = peer.plainTransports.get(transportId);
  if (!transport) return undefined;
  if (transport.appData.kind !== kind) {
    fail("BAD_REQUEST", `this ingest transport carries ${transport.appData.kind}, not ${kind}`);
  }
  return transport;
}

/** True if some peer of `peers` owns an ingest transport with this id. */
export function someoneOwnsIngestTransport(peers: Iterable<Peer>, transportId: string): boolean {
  for (const p of peers) if (p.plainTransports.has(transportId)) return true;
  return false;
}
