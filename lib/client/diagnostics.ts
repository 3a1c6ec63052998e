// The diagnostics panel's data: this join's set-up timings (signaling, ICE gathering and
// connectivity checks, DTLS, first media) and live per-stream figures for what I send and
// receive, read from RTCPeerConnection getStats() through mediasoup-client's
// transport / producer / consumer getStats(). One plain JSON-able report, so it can be
// copied into a support request as it is.
import type { RttFigures } from "./signaling-client";

/** A stats report as getStats() gives it (a Map-like of stats dictionaries). */
export type StatsLike = { forEach(cb: (value: Record<string, unknown>) => void): void; get(id: string): unknown };
type Stat = Record<string, unknown>;

export interface StreamFigures {
  source: string;
  kind: string;
  /** Whose stream (receiving) — null for my own. */
  peerName: string | null;
  codec: string | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  bitrateKbps: number | null;
  packets: number | null;
  /** Lost / (lost + received), percent: what the other end reports for what I send. */
  lossPercent: number | null;
  jitterMs: number | null;
  rttMs: number | null;
  /** The simulcast layer (rid) of an outgoing encoding, when there are several. */
  layer: string | null;
  /** Why the encoder sends less than it could ("bandwidth", "cpu"). */
  limitedBy: string | null;
  framesDecoded: number | null;
}

export interface TransportFigures {
  direction: "send" | "recv";
  iceState: string | null;
  dtlsState: string | null;
  dtlsCipher: string | null;
  srtpCipher: string | null;
  tlsVersion: string | null;
  /** The selected candidate pair: "udp host 127.0.0.1 → host 127.0.0.1:40000". */
  path: string | null;
  /** ICE connectivity checks on the selected pair. */
  checksSent: number | null;
  checksAnswered: number | null;
  rttMs: number | null;
  availableOutgoingKbps: number | null;
}

export interface DiagnosticsReport {
  generatedAt: string;
  roomId: string;
  peerId: string | null;
  userAgent: string;
  setup: {
    /** ms since the pre-join warm-up started (socket, token, router, ICE, DTLS of the pre-connected receiver). */
    sinceWarmup: Record<string, number>;
    /** ms since the Join click (join round trip, publishing, first remote media). */
    sinceJoin: Record<string, number>;
    /** Round trips of each signaling request on the current socket. */
    signaling: Record<string, RttFigures>;
  };
  transports: TransportFigures[];
  sending: StreamFigures[];
  receiving: StreamFigures[];
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === "string" && v ? v : null);
const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
/** getStats times are seconds; the panel shows ms. */
const ms = (seconds: unknown): number | null => {
  const v = num(seconds);
  return v === null ? null : round1(v * 1000);
};

/** Bitrates need two readings: remembers the last byte count per stats id. */
export class BitrateMeter {
  private readonly last = new Map<string, { bytes: number; at: number }>();

  kbps(id: string, bytes: number | null, timestampMs: number | null): number | null {
    if (bytes === null || timestampMs === null) return null;
    const prev = this.last.get(id);
    this.last.set(id, { bytes, at: timestampMs });
    if (!prev || timestampMs <= prev.at || bytes < prev.bytes) return null;
    return round1(((bytes - prev.bytes) * 8) / (timestampMs - prev.at));
  }
}

function codecOf(report: StatsLike, s: Stat): string | null {
  const c = typeof s.codecId === "string" ? (report.get(s.codecId) as Stat | undefined) : undefined;
  return str(c?.mimeType)?.replace(/^(audio|video)\//, "") ?? null;
}

function all(report: StatsLike, type: string): Stat[] {
  const out: Stat[] = [];
  report.forEach((s) => {
    if (s.type === type) out.push(s);
  });
  return out;
}

/** One row per outgoing RTP stream (several for a simulcast producer: one per layer). */
export function sendFigures(report: StatsLike, source: string, meter: BitrateMeter): StreamFigures[] {
  const outbound = all(report, "outbound-rtp");
  const remote = all(report, "remote-inbound-rtp");
  return outbound.map((o) => {
    const r = remote.find((x) => x.localId === o.id);
    const fraction = num(r?.fractionLost);
    return {
      source,
      kind: str(o.kind) ?? "",
      peerName: null,
      codec: codecOf(report, o),
      width: num(o.frameWidth),
      height: num(o.frameHeight),
      fps: round1(num(o.framesPerSecond)),
      bitrateKbps: meter.kbps(String(o.id), num(o.bytesSent), num(o.timestamp)),
      packets: num(o.packetsSent),
      lossPercent: fraction === null ? null : round1(fraction * 100),
      jitterMs: ms(r?.jitter),
      rttMs: ms(r?.roundTripTime),
      layer: outbound.length > 1 ? (str(o.rid) ?? null) : null,
      limitedBy: o.qualityLimitationReason && o.qualityLimitationReason !== "none" ? String(o.qualityLimitationReason) : null,
      framesDecoded: null,
    };
  });
}

/** The incoming RTP stream of one consumer. */
export function recvFigures(
  report: StatsLike,
  meta: { source: string; peerName: string | null },
  meter: BitrateMeter,
): StreamFigures | null {
  const i = all(report, "inbound-rtp")[0];
  if (!i) return null;
  const received = num(i.packetsReceived);
  const lost = num(i.packetsLost);
  const pair = all(report, "candidate-pair").find((p) => p.nominated || p.state === "succeeded");
  return {
    source: meta.source,
    kind: str(i.kind) ?? "",
    peerName: meta.peerName,
    codec: codecOf(report, i),
    width: num(i.frameWidth),
    height: num(i.frameHeight),
    fps: round1(num(i.framesPerSecond)),
    bitrateKbps: meter.kbps(String(i.id), num(i.bytesReceived), num(i.timestamp)),
    packets: received,
    lossPercent: received !== null && lost !== null && received + lost > 0 ? round1((100 * Math.max(0, lost)) / (received + lost)) : null,
    jitterMs: ms(i.jitter),
    rttMs: ms(pair?.currentRoundTripTime),
    layer: null,
    limitedBy: null,
    framesDecoded: num(i.framesDecoded),
  };
}

function candidateText(c: Stat | undefined): string {
  if (!c) return "?";
  const port = num(c.port);
  return `${str(c.candidateType) ?? "?"} ${str(c.address) ?? str(c.ip) ?? "?"}${port !== null ? `:${port}` : ""}`;
}

export function transportFigures(report: StatsLike, direction: "send" | "recv"): TransportFigures {
  const t = all(report, "transport")[0];
  const pairId = str(t?.selectedCandidatePairId);
  const pair = (pairId ? (report.get(pairId) as Stat | undefined) : undefined) ?? all(report, "candidate-pair").find((p) => p.nominated);
  const local = pair && typeof pair.localCandidateId === "string" ? (report.get(pair.localCandidateId) as Stat | undefined) : undefined;
  const remote = pair && typeof pair.remoteCandidateId === "string" ? (report.get(pair.remoteCandidateId) as Stat | undefined) : undefined;
  const outgoing = num(pair?.availableOutgoingBitrate);
  return {
    direction,
    iceState: str(t?.iceState) ?? str(pair?.state),
    dtlsState: str(t?.dtlsState),
    dtlsCipher: str(t?.dtlsCipher),
    srtpCipher: str(t?.srtpCipher),
    tlsVersion: str(t?.tlsVersion),
    path: pair ? `${str(local?.protocol) ?? "?"} ${candidateText(local)} → ${candidateText(remote)}` : null,
    checksSent: num(pair?.requestsSent),
    checksAnswered: num(pair?.responsesReceived),
    rttMs: ms(pair?.currentRoundTripTime),
    availableOutgoingKbps: outgoing === null ? null : Math.round(outgoing / 1000),
  };
}

type HasStats = { getStats(): Promise<RTCStatsReport> };

export interface DiagnosticsSources {
  roomId: string;
  peerId: string | null;
  setup: { sinceWarmup: Record<string, number>; sinceJoin: Record<string, number> };
  signaling: Record<string, RttFigures>;
  transports: { send?: HasStats; recv?: HasStats };
  producers: { source: string; producer: HasStats }[];
  consumers: { source: string; peerName: string | null; consumer: HasStats }[];
}

const meter = new BitrateMeter();

async function stats(x: HasStats): Promise<StatsLike | null> {
  try {
    return (await x.getStats()) as unknown as StatsLike;
  } catch {
    return null; // closed meanwhile
  }
}

export async function collectDiagnostics(src: DiagnosticsSources): Promise<DiagnosticsReport> {
  const [send, recv, producers, consumers] = await Promise.all([
    src.transports.send ? stats(src.transports.send) : null,
    src.transports.recv ? stats(src.transports.recv) : null,
    Promise.all(src.producers.map(async (p) => ({ p, r: await stats(p.producer) }))),
    Promise.all(src.consumers.map(async (c) => ({ c, r: await stats(c.consumer) }))),
  ]);
  const order = ["camera", "screen", "mic"];
  const bySource = (a: StreamFigures, b: StreamFigures) =>
    (a.peerName ?? "").localeCompare(b.peerName ?? "") || order.indexOf(a.source) - order.indexOf(b.source);
  return {
    generatedAt: new Date().toISOString(),
    roomId: src.roomId,
    peerId: src.peerId,
    userAgent: typeof navigator !== "undefined" ? navigator.userAgent : "",
    setup: { ...src.setup, signaling: src.signaling },
    transports: [
      ...(send ? [transportFigures(send, "send")] : []),
      ...(recv ? [transportFigures(recv, "recv")] : []),
    ],
    sending: producers.flatMap(({ p, r }) => (r ? sendFigures(r, p.source, meter) : [])).sort(bySource),
    receiving: consumers
      .flatMap(({ c, r }) => {
        const f = r ? recvFigures(r, { source: c.source, peerName: c.peerName }, meter) : null;
        return f ? [f] : [];
      })
      .sort(bySource),
  };
}
