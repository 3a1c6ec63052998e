// Turns the numbers mediasoup derives from RTCP into one of four quality levels shown on
// a participant's tile, in both directions: what the SFU receives from the participant
// (uplink) and what the participant receives from the SFU (downlink). The level is the worse
// of the two, so a person with a bad downlink no longer shows "excellent". Pure and
// dependency-free: used by the server (and testable alone).
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
  /** What the participant receives; absent when it receives nothing (yet). */
  downlink?: DownlinkInput;
};

/** The receive side: what the SFU sends this participant and how it arrives. */
export type DownlinkInput = {
  /** mediasoup score 0..10, min over the consumers it receives (from its receiver reports). */
  score: number;
  /** Loss of what it receives, percent (receiver reports / its own inbound RTP stats). */
  packetLossPercent: number;
  /** Interarrival jitter of what it receives (its own inbound RTP stats), ms; null = unknown. */
  jitterMs: number | null;
  /** The SFU's bandwidth estimate towards it, kbit/s; null = unknown. */
  availableKbps: number | null;
  /** It receives video: only then does a low bandwidth estimate mean a worse picture. */
  receivesVideo: boolean;
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

/**
 * Downlink thresholds (same structure; null jitter/bandwidth = unknown, ignored):
 *
 * | level     | score | loss  | jitter  | available bitrate (only while receiving video) |
 * |-----------|-------|-------|---------|------------------------------------------------|
 * | excellent | >= 9  | < 2 % | < 30 ms | >= 500 kbit/s (a 640x360 layer + audio)        |
 * | good      | >= 7  | < 5 % | < 60 ms | >= 250 kbit/s (the 320x180 layer + audio)      |
 * | poor      | anything else                                                            |
 *
 * 30 / 60 ms of jitter are where WebRTC's jitter buffers start adding noticeable delay; the
 * bitrate floors are what the camera's simulcast layers need (lib/client/simulcast.ts):
 * below 250 kbit/s the SFU cannot even forward the smallest layer at full frame rate.
 */
export const DOWNLINK_THRESHOLDS = {
  excellent: { minScore: 9, maxLossPercent: 2, maxJitterMs: 30, minAvailableKbps: 500 },
  good: { minScore: 7, maxLossPercent: 5, maxJitterMs: 60, minAvailableKbps: 250 },
} as const;

const finiteOr = (n: number | null, fallback: number | null): number | null =>
  n === null ? null : Number.isFinite(n) ? n : fallback;

function downlinkMeets(
  d: DownlinkInput,
  t: { minScore: number; maxLossPercent: number; maxJitterMs: number; minAvailableKbps: number },
): boolean {
  const jitter = finiteOr(d.jitterMs, null);
  const available = finiteOr(d.availableKbps, null);
  return (
    (Number.isFinite(d.score) ? d.score : 0) >= t.minScore &&
    (Number.isFinite(d.packetLossPercent) ? d.packetLossPercent : 100) < t.maxLossPercent &&
    (jitter === null || jitter < t.maxJitterMs) &&
    (!d.receivesVideo || available === null || available >= t.minAvailableKbps)
  );
}

/** The receive side alone (never "lost": that is about the transports, see qualityLevel). */
export function downlinkLevel(d: DownlinkInput): QualityLevel {
  if (downlinkMeets(d, DOWNLINK_THRESHOLDS.excellent)) return "excellent";
  if (downlinkMeets(d, DOWNLINK_THRESHOLDS.good)) return "good";
  return "poor";
}

const RANK: Record<QualityLevel, number> = { excellent: 3, good: 2, poor: 1, lost: 0 };

/** The worse of two levels. */
export function worseLevel(a: QualityLevel, b: QualityLevel): QualityLevel {
  return RANK[a] <= RANK[b] ? a : b;
}

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

/** The uplink alone (what the SFU receives from the participant). */
export function uplinkLevel(input: QualityInput): QualityLevel {
  if (input.connected === false || !input.hasMedia) return "lost";
  const score = Number.isFinite(input.score) ? input.score : 0;
  const loss = Number.isFinite(input.packetLossPercent) ? input.packetLossPercent : 100;
  const rtt = input.rttMs === null || Number.isFinite(input.rttMs) ? input.rttMs : null;
  const normalized = { ...input, score, packetLossPercent: loss, rttMs: rtt };
  if (meets(normalized, QUALITY_THRESHOLDS.excellent)) return "excellent";
  if (meets(normalized, QUALITY_THRESHOLDS.good)) return "good";
  return "poor";
}

/** Both directions: the worse of uplink and downlink. */
export function qualityLevel(input: QualityInput): QualityLevel {
  const up = uplinkLevel(input);
  return input.downlink ? worseLevel(up, downlinkLevel(input.downlink)) : up;
}

/** RTCP "fraction lost" is an 8-bit fixed-point fraction (0..255 = 0..~100 %). */
export function fractionLostToPercent(fractionLost: number): number {
  if (!Number.isFinite(fractionLost) || fractionLost <= 0) return 0;
  return Math.min(100, (fractionLost / 256) * 100);
}
