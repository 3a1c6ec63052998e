// Turns the numbers mediasoup derives from RTCP into one of four quality levels shown on
// a participant's tile. Pure and dependency-free: used by the server (and testable alone).
import type { QualityLevel } from "../signaling/protocol";

export type QualityInput = {
  /** mediasoup score 0..10 (10 = perfect), min over the peer's streams. */
  score: number;
  /** Packet loss in percent (0..100). */
  packetLossPercent: number;
  /** Round-trip time in ms, or null when no RTCP has told us yet. */
  rttMs: number | null;
  /** False when the peer produces (unpaused) but no media arrived for > NO_MEDIA_TIMEOUT_MS. */
  hasMedia: boolean;
  /** False when one of the peer's transports is ICE-disconnected or DTLS-failed/closed. */
  connected?: boolean;
};

/** "No media arrived for this long while producing" counts as lost. */
export const NO_MEDIA_TIMEOUT_MS = 5_000;

/**
 * Thresholds (a level needs ALL of its conditions; otherwise the next level is tried):
 *
 * | level     | score | packet loss | rtt (null = unknown, ignored) |
 * |-----------|-------|-------------|-------------------------------|
 * | excellent | >= 9  | < 2 %       | < 150 ms                      |
 * | good      | >= 7  | < 5 %       | < 300 ms                      |
 * | poor      | anything else while connected and media flows         |
 * | lost      | transport disconnected/failed, or no media > 5 s while producing |
 *
 * Rationale: mediasoup's score already folds in loss and retransmissions (10 = none,
 * ~7 = noticeable), 2 % / 5 % loss are where Opus/VP8 artefacts become visible/annoying,
 * 150 ms / 300 ms RTT are the ITU-T G.114 "good" and "acceptable" conversational bounds.
 */
export const QUALITY_THRESHOLDS = {
  excellent: { minScore: 9, maxLossPercent: 2, maxRttMs: 150 },
  good: { minScore: 7, maxLossPercent: 5, maxRttMs: 300 },
} as const;

function meets(
  input: QualityInput,
  t: { minScore: number; maxLossPercent: number; maxRttMs: number },
): boolean {
  return (
    input.score >= t.minScore &&
    input.packetLossPercent < t.maxLossPercent &&
    (input.rttMs === null || input.rttMs < t.maxRttMs)
  );
}

export function qualityLevel(input: QualityInput): QualityLevel {
  if (input.connected === false || !input.hasMedia) return "lost";
  const score = Number.isFinite(input.score) ? input.score : 0;
  const loss = Number.isFinite(input.packetLossPercent) ? input.packetLossPercent : 100;
  const rtt = input.rttMs === null || Number.isFinite(input.rttMs) ? input.rttMs : null;
  const normalized = { ...input, score, packetLossPercent: loss, rttMs: rtt };
  if (meets(normalized, QUALITY_THRESHOLDS.excellent)) return "excellent";
  if (meets(normalized, QUALITY_THRESHOLDS.good)) return "good";
  return "poor";
}

/** RTCP "fraction lost" is an 8-bit fixed-point fraction (0..255 = 0..~100 %). */
export function fractionLostToPercent(fractionLost: number): number {
  if (!Number.isFinite(fractionLost) || fractionLost <= 0) return 0;
  return Math.min(100, (fractionLost / 256) * 100);
}
