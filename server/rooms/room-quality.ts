// Per-participant call quality from mediasoup's RTCP-derived stats, in both directions: the
// numbers behind the tile indicator (qualityUpdate every ~2 s) and the history's
// per-attendance summary. Uplink: what the SFU receives from the peer (producer stats).
// Downlink: what the peer receives (its consumers' scores and receiver-report loss, the
// SFU's bandwidth estimate towards it, and the loss and jitter its browser measures).
import type { types as ms } from "mediasoup";
import type { PeerQuality } from "../../lib/signaling/protocol";
import { fractionLostToPercent, NO_MEDIA_TIMEOUT_MS, qualityLevel, type DownlinkInput } from "../../lib/quality/level";
import { measuredLayerBitrates } from "./layer-budget";
import type { Peer } from "./peer";

export const QUALITY_INTERVAL_MS = 2_000;
/** A browser's own receive report counts this long (it sends one every ~2 s). */
export const RECEIVE_REPORT_MAX_AGE_MS = 6_000;
/** Consumers whose RTCP stats are read per peer and round (rotating: getStats costs a worker round trip). */
const SAMPLED_CONSUMERS = 2;

export class QualitySampler {
  private running = false;
  private rttConsumerCursor = 0;

  /** `downlinkEstimate`: the SFU's estimate towards each peer, as read (the layer budget uses it). */
  constructor(private readonly downlinkEstimate: (peer: Peer, availableBps: number) => void = () => undefined) {}

  /**
   * One round over `peers`; null when a round is still running. `suspended(producerId)`:
   * dynacast stopped that producer because nobody needs it (no media is expected from it).
   */
  async sample(peers: Peer[], suspended: (producerId: string) => boolean = () => false): Promise<PeerQuality[] | null> {
    if (this.running) return null;
    this.running = true;
    try {
      const now = Date.now();
      const results = await Promise.all(peers.map((p) => this.peerQuality(p, now, suspended).catch(() => null)));
      return results.filter((q): q is PeerQuality => q !== null);
    } finally {
      this.running = false;
    }
  }

  private async peerQuality(peer: Peer, now: number, suspended: (producerId: string) => boolean): Promise<PeerQuality | null> {
    const scores: number[] = [];
    let lossPercent = 0;
    let rttMs: number | null = null;
    let sendBps = 0;
    let recvBps = 0;
    let hasMedia = true;
    const noteRtt = (rtt: number | undefined) => {
      if (typeof rtt === "number" && rtt > 0) rttMs = Math.max(rttMs ?? 0, rtt);
    };

    // Uplink: one getStats per producer (what the SFU receives from this peer).
    await Promise.all(
      [...peer.producers.values()].map(async (producer) => {
        const stats = await producer.getStats().catch(() => [] as ms.ProducerStat[]);
        if (producer.closed) return;
        // what each layer really sends, for the viewers' bandwidth budgets (layer-budget.ts)
        const layers = producer.appData.layers;
        if (layers?.bitrates) layers.measuredBitrates = measuredLayerBitrates(producer.rtpParameters.encodings ?? [], stats, layers.bitrates);
        let bytes = 0;
        for (const s of stats) {
          bytes += s.byteCount ?? 0;
          sendBps += s.bitrate ?? 0;
          lossPercent = Math.max(lossPercent, fractionLostToPercent(s.fractionLost ?? 0));
          noteRtt(s.roundTripTime);
        }
        const media = peer.producerMedia.get(producer.id);
        if (producer.paused || suspended(producer.id)) {
          if (media) {
            media.lastChangeAt = now;
            media.lastByteCount = bytes;
          }
          return;
        }
        // simulcast: the best layer's score (layers dynacast or the browser switched off score 0)
        if (producer.score.length) scores.push(Math.max(...producer.score.map((s) => s.score)));
        if (media) {
          if (bytes !== media.lastByteCount) {
            if (bytes > 0) media.lastChangeAt = now;
            media.lastByteCount = bytes;
          }
          if (now - media.lastChangeAt > NO_MEDIA_TIMEOUT_MS) hasMedia = false;
        }
      }),
    );

    // Downlink: what this peer receives.
    const active = [...peer.consumers.values()].filter((c) => !c.closed && !c.paused && !c.producerPaused);
    const downScores = active.filter((c) => c.score).map((c) => c.score.score);
    let downLossPercent = 0;
    let availableBps: number | null = null;

    const jobs: Promise<void>[] = [];
    const recv = peer.recvTransport;
    if (recv && !recv.closed) {
      jobs.push(
        recv
          .getStats()
          .then((stats) => {
            for (const s of stats) {
              recvBps += s.sendBitrate ?? 0;
              if (typeof s.availableOutgoingBitrate === "number") availableBps = s.availableOutgoingBitrate;
            }
          })
          .catch(() => undefined),
      );
    }
    // Receiver-report loss and RTT of a few consumers per round (video first), rotating.
    if (active.length > 0) {
      const ordered = [...active.filter((c) => c.kind === "video"), ...active.filter((c) => c.kind !== "video")];
      const n = Math.min(SAMPLED_CONSUMERS, ordered.length);
      for (let i = 0; i < n; i++) {
        const consumer = ordered[(this.rttConsumerCursor + i) % ordered.length];
        jobs.push(
          consumer
            .getStats()
            .then((stats) => {
              for (const s of stats) {
                if (s.type !== "outbound-rtp") continue;
                noteRtt(s.roundTripTime);
                downLossPercent = Math.max(downLossPercent, fractionLostToPercent(s.fractionLost ?? 0));
              }
            })
            .catch(() => undefined),
        );
      }
      this.rttConsumerCursor += n;
    }
    await Promise.all(jobs);
    if (peer.closed || !peer.joined) return null;

    // Peers that only watch: their downlink is all there is to score.
    const score = scores.length ? Math.min(...scores) : downScores.length ? Math.min(...downScores) : 10;
    const connected = peer.brokenTransports.size === 0 && peer.connected;
    const round = (n: number) => Math.round(n * 10) / 10;
    const report = peer.receiveReport && now - peer.receiveReport.at <= RECEIVE_REPORT_MAX_AGE_MS ? peer.receiveReport : null;
    const available = availableBps as number | null;
    if (available !== null) this.downlinkEstimate(peer, available);
    const downlink: DownlinkInput | undefined =
      active.length > 0
        ? {
            score: Math.max(0, Math.min(10, downScores.length ? Math.min(...downScores) : 10)),
            packetLossPercent: Math.max(downLossPercent, report?.packetLossPercent ?? 0),
            jitterMs: report?.jitterMs ?? null,
            availableKbps: available === null ? null : available / 1000,
            receivesVideo: active.some((c) => c.kind === "video"),
          }
        : undefined;
    return {
      peerId: peer.id,
      level: qualityLevel({ score, packetLossPercent: lossPercent, rttMs, hasMedia, connected, downlink }),
      score: Math.max(0, Math.min(10, score)),
      packetLossPercent: round(lossPercent),
      rttMs: rttMs === null ? null : round(rttMs),
      sendKbps: round(sendBps / 1000),
      recvKbps: round(recvBps / 1000),
      ...(downlink
        ? {
            downlink: {
              score: downlink.score,
              packetLossPercent: round(downlink.packetLossPercent),
              jitterMs: downlink.jitterMs === null ? null : round(downlink.jitterMs),
              availableKbps: downlink.availableKbps === null ? null : Math.round(downlink.availableKbps),
            },
          }
        : {}),
    };
  }
}
