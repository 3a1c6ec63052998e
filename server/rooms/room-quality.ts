// Per-participant call quality from mediasoup's RTCP-derived stats: the numbers behind the
// tile indicator (qualityUpdate every ~2 s) and the history's per-attendance summary.
import type { types as ms } from "mediasoup";
import type { PeerQuality } from "../../lib/signaling/protocol";
import { fractionLostToPercent, NO_MEDIA_TIMEOUT_MS, qualityLevel } from "../../lib/quality/level";
import type { Peer } from "./peer";

export const QUALITY_INTERVAL_MS = 2_000;

export class QualitySampler {
  private running = false;
  private rttConsumerCursor = 0;

  /** One round over `peers`; null when a round is still running. */
  async sample(peers: Peer[]): Promise<PeerQuality[] | null> {
    if (this.running) return null;
    this.running = true;
    try {
      const now = Date.now();
      const results = await Promise.all(peers.map((p) => this.peerQuality(p, now).catch(() => null)));
      return results.filter((q): q is PeerQuality => q !== null);
    } finally {
      this.running = false;
    }
  }

  private async peerQuality(peer: Peer, now: number): Promise<PeerQuality | null> {
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
        let bytes = 0;
        for (const s of stats) {
          bytes += s.byteCount ?? 0;
          sendBps += s.bitrate ?? 0;
          lossPercent = Math.max(lossPercent, fractionLostToPercent(s.fractionLost ?? 0));
          noteRtt(s.roundTripTime);
        }
        const media = peer.producerMedia.get(producer.id);
        if (producer.paused) {
          if (media) {
            media.lastChangeAt = now;
            media.lastByteCount = bytes;
          }
          return;
        }
        for (const s of producer.score) scores.push(s.score);
        if (media) {
          if (bytes !== media.lastByteCount) {
            if (bytes > 0) media.lastChangeAt = now;
            media.lastByteCount = bytes;
          }
          if (now - media.lastChangeAt > NO_MEDIA_TIMEOUT_MS) hasMedia = false;
        }
      }),
    );

    // Downlink score for peers that only watch: the scores of what the SFU sends them.
    if (peer.producers.size === 0) {
      for (const c of peer.consumers.values()) {
        if (!c.paused && !c.producerPaused && c.score) scores.push(c.score.score);
      }
    }

    const jobs: Promise<void>[] = [];
    const recv = peer.recvTransport;
    if (recv && !recv.closed) {
      jobs.push(
        recv
          .getStats()
          .then((stats) => {
            for (const s of stats) recvBps += s.sendBitrate ?? 0;
          })
          .catch(() => undefined),
      );
    }
    // RTT: producer stats rarely carry it (needs RTCP XR); consumer stats do (from RR).
    if (rttMs === null && peer.consumers.size > 0) {
      const consumers = [...peer.consumers.values()];
      const consumer = consumers[this.rttConsumerCursor++ % consumers.length];
      jobs.push(
        consumer
          .getStats()
          .then((stats) => {
            for (const s of stats) if (s.type === "outbound-rtp") noteRtt(s.roundTripTime);
          })
          .catch(() => undefined),
      );
    }
    await Promise.all(jobs);
    if (peer.closed || !peer.joined) return null;

    const score = scores.length ? Math.min(...scores) : 10;
    const connected = peer.brokenTransports.size === 0 && peer.connected;
    const round = (n: number) => Math.round(n * 10) / 10;
    return {
      peerId: peer.id,
      level: qualityLevel({ score, packetLossPercent: lossPercent, rttMs, hasMedia, connected }),
      score: Math.max(0, Math.min(10, score)),
      packetLossPercent: round(lossPercent),
      rttMs: rttMs === null ? null : round(rttMs),
      sendKbps: round(sendBps / 1000),
      recvKbps: round(recvBps / 1000),
    };
  }
}
