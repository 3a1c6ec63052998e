// Pure bookkeeping for the meeting-history recorder (no I/O; unit-tested directly).

// ---- presence: who is in the room, counted per participant ------------------------------
//
// A participant (participantKey from the join token) may hold several connections at once
// (two tabs, or a new join that arrives before the room removed the connection it replaces).
// They count once, and their current stay lasts until their last connection leaves.

export interface Presence {
  /** participantKey -> open connections (> 0). */
  connections: Map<string, number>;
  /** Most distinct participants present at once. */
  peak: number;
}

export function newPresence(): Presence {
  return { connections: new Map(), peak: 0 };
}

export interface JoinOutcome {
  /** First connection of this participant: a stay begins. */
  firstConnection: boolean;
  /** The room was empty: open a MeetingSession. */
  roomWasEmpty: boolean;
  /** Distinct participants present now. */
  present: number;
  /** The peak went up (write it). */
  peakChanged: boolean;
}

export function presenceJoin(p: Presence, participantKey: string): JoinOutcome {
  const roomWasEmpty = p.connections.size === 0;
  const before = p.connections.get(participantKey) ?? 0;
  p.connections.set(participantKey, before + 1);
  const present = p.connections.size;
  const peakChanged = present > p.peak;
  if (peakChanged) p.peak = present;
  return { firstConnection: before === 0, roomWasEmpty, present, peakChanged };
}

export interface LeaveOutcome {
  /** The participant had no other connection: their stay ends. */
  lastConnection: boolean;
  /** Nobody is left: close the MeetingSession. */
  roomEmpty: boolean;
  present: number;
  /** The key was not present (duplicate or unknown leave): nothing to do. */
  unknown: boolean;
}

export function presenceLeave(p: Presence, participantKey: string): LeaveOutcome {
  const before = p.connections.get(participantKey) ?? 0;
  if (before === 0) {
    return { lastConnection: false, roomEmpty: p.connections.size === 0, present: p.connections.size, unknown: true };
  }
  if (before === 1) p.connections.delete(participantKey);
  else p.connections.set(participantKey, before - 1);
  const present = p.connections.size;
  return { lastConnection: before === 1, roomEmpty: present === 0, present, unknown: false };
}

// ---- call quality: running means over the samples of one attendance ----------------------
//
// Both directions: the uplink (what the person sends: loss, RTT, bitrates, score) and, when
// the SFU reports it, the downlink (what they receive: loss, jitter, consumer score, the
// SFU's estimate of their available bandwidth).

export interface DownlinkInput {
  score: number;
  packetLossPercent: number;
  jitterMs: number | null;
  availableKbps: number | null;
}

export interface QualityInput {
  packetLossPercent: number;
  rttMs: number | null;
  sendKbps: number;
  recvKbps: number;
  score?: number;
  downlink?: DownlinkInput;
}

export interface QualityAccumulator {
  samples: number;
  lossSum: number;
  lossMax: number;
  rttSamples: number; // rtt is null until RTCP has reported
  rttSum: number;
  sendSum: number;
  recvSum: number;
  scoreSamples: number;
  scoreSum: number;
  down: {
    samples: number;
    lossSum: number;
    lossMax: number;
    scoreSum: number;
    jitterSamples: number;
    jitterSum: number;
    kbpsSamples: number;
    kbpsSum: number;
  };
}

/** The Attendance columns the accumulator maps to (shared with the reports). */
export type { QualitySummary } from "@/lib/quality/summary";
import type { QualitySummary } from "@/lib/quality/summary";

export function newQuality(): QualityAccumulator {
  return {
    samples: 0,
    lossSum: 0,
    lossMax: 0,
    rttSamples: 0,
    rttSum: 0,
    sendSum: 0,
    recvSum: 0,
    scoreSamples: 0,
    scoreSum: 0,
    down: { samples: 0, lossSum: 0, lossMax: 0, scoreSum: 0, jitterSamples: 0, jitterSum: 0, kbpsSamples: 0, kbpsSum: 0 },
  };
}

const finite = (n: number | null | undefined): n is number => typeof n === "number" && Number.isFinite(n);

/** Adds one sample (ignores non-finite numbers so a bad stat can't poison the means). */
export function addQualitySample(acc: QualityAccumulator, s: QualityInput): void {
  if (finite(s.packetLossPercent) && finite(s.sendKbps) && finite(s.recvKbps)) {
    const loss = Math.max(0, s.packetLossPercent);
    acc.samples += 1;
    acc.lossSum += loss;
    acc.lossMax = Math.max(acc.lossMax, loss);
    acc.sendSum += Math.max(0, s.sendKbps);
    acc.recvSum += Math.max(0, s.recvKbps);
    if (finite(s.rttMs) && s.rttMs >= 0) {
      acc.rttSamples += 1;
      acc.rttSum += s.rttMs;
    }
    if (finite(s.score)) {
      acc.scoreSamples += 1;
      acc.scoreSum += Math.min(10, Math.max(0, s.score));
    }
  }
  const d = s.downlink;
  if (d && finite(d.packetLossPercent) && finite(d.score)) {
    const loss = Math.max(0, d.packetLossPercent);
    acc.down.samples += 1;
    acc.down.lossSum += loss;
    acc.down.lossMax = Math.max(acc.down.lossMax, loss);
    acc.down.scoreSum += Math.min(10, Math.max(0, d.score));
    if (finite(d.jitterMs) && d.jitterMs >= 0) {
      acc.down.jitterSamples += 1;
      acc.down.jitterSum += d.jitterMs;
    }
    if (finite(d.availableKbps) && d.availableKbps >= 0) {
      acc.down.kbpsSamples += 1;
      acc.down.kbpsSum += d.availableKbps;
    }
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const mean = (sum: number, n: number) => (n ? round2(sum / n) : null);

export function qualitySummary(acc: QualityAccumulator): QualitySummary {
  const d = acc.down;
  return {
    qualitySamples: acc.samples,
    meanPacketLoss: mean(acc.lossSum, acc.samples),
    maxPacketLoss: acc.samples ? round2(acc.lossMax) : null,
    meanRttMs: mean(acc.rttSum, acc.rttSamples),
    meanSendKbps: mean(acc.sendSum, acc.samples),
    meanRecvKbps: mean(acc.recvSum, acc.samples),
    meanScore: mean(acc.scoreSum, acc.scoreSamples),
    downSamples: d.samples,
    meanDownPacketLoss: mean(d.lossSum, d.samples),
    maxDownPacketLoss: d.samples ? round2(d.lossMax) : null,
    meanDownJitterMs: mean(d.jitterSum, d.jitterSamples),
    meanDownScore: mean(d.scoreSum, d.samples),
    meanDownKbps: mean(d.kbpsSum, d.kbpsSamples),
  };
}

/**
 * An accumulator that continues a stored summary (an attendance row reused after a server
 * restart). Exact for counts, sums and maxima up to the 2-decimal rounding of the stored
 * means; the RTT / score / jitter / bandwidth means are taken to cover all samples.
 */
export function qualityFromSummary(s: QualitySummary): QualityAccumulator {
  const acc = newQuality();
  const n = Math.max(0, s.qualitySamples | 0);
  if (n && s.meanPacketLoss !== null) {
    acc.samples = n;
    acc.lossSum = s.meanPacketLoss * n;
    acc.lossMax = s.maxPacketLoss ?? s.meanPacketLoss;
    acc.sendSum = (s.meanSendKbps ?? 0) * n;
    acc.recvSum = (s.meanRecvKbps ?? 0) * n;
    if (s.meanRttMs !== null) [acc.rttSamples, acc.rttSum] = [n, s.meanRttMs * n];
    if (s.meanScore !== null) [acc.scoreSamples, acc.scoreSum] = [n, s.meanScore * n];
  }
  const dn = Math.max(0, s.downSamples | 0);
  if (dn && s.meanDownPacketLoss !== null) {
    const d = acc.down;
    d.samples = dn;
    d.lossSum = s.meanDownPacketLoss * dn;
    d.lossMax = s.maxDownPacketLoss ?? s.meanDownPacketLoss;
    d.scoreSum = (s.meanDownScore ?? 0) * dn;
    if (s.meanDownJitterMs !== null) [d.jitterSamples, d.jitterSum] = [dn, s.meanDownJitterMs * dn];
    if (s.meanDownKbps !== null) [d.kbpsSamples, d.kbpsSum] = [dn, s.meanDownKbps * dn];
  }
  return acc;
}

/** `into` plus the samples of `from` (both directions), in place; returns `into`. */
export function mergeQuality(into: QualityAccumulator, from: QualityAccumulator): QualityAccumulator {
  into.samples += from.samples;
  into.lossSum += from.lossSum;
  into.lossMax = Math.max(into.lossMax, from.lossMax);
  into.rttSamples += from.rttSamples;
  into.rttSum += from.rttSum;
  into.sendSum += from.sendSum;
  into.recvSum += from.recvSum;
  into.scoreSamples += from.scoreSamples;
  into.scoreSum += from.scoreSum;
  const [d, f] = [into.down, from.down];
  d.samples += f.samples;
  d.lossSum += f.lossSum;
  d.lossMax = Math.max(d.lossMax, f.lossMax);
  d.scoreSum += f.scoreSum;
  d.jitterSamples += f.jitterSamples;
  d.jitterSum += f.jitterSum;
  d.kbpsSamples += f.kbpsSamples;
  d.kbpsSum += f.kbpsSum;
  return into;
}

// ---- role of a participant in the attendance report ---------------------------------------

export const ATTENDANCE_ROLES = ["host", "co-host", "signed-in", "guest"] as const;
export type AttendanceRole = (typeof ATTENDANCE_ROLES)[number];

/** The role of one join: an explicit role from the identity (co-hosts), else host / signed-in / guest. */
export function roleOf(peer: { role?: unknown; isHost?: boolean; isGuest: boolean; userId?: string | null }): AttendanceRole {
  if (typeof peer.role === "string" && (ATTENDANCE_ROLES as readonly string[]).includes(peer.role)) {
    return peer.role as AttendanceRole;
  }
  if (peer.isHost) return "host";
  return peer.isGuest || !peer.userId ? "guest" : "signed-in";
}

/** The higher of two roles (someone made co-host mid-meeting stays co-host in the report). */
export function higherRole(a: string, b: AttendanceRole): AttendanceRole {
  const rank = (r: string) => {
    const i = (ATTENDANCE_ROLES as readonly string[]).indexOf(r);
    return i < 0 ? ATTENDANCE_ROLES.length : i;
  };
  return rank(a) <= rank(b) ? (a as AttendanceRole) : b;
}

// ---- a promise queue: one per room, so its writes never interleave ---------------------

export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  /** Runs `task` after every earlier task settled; errors go to `onError`, never out. */
  push(task: () => Promise<void>, onError: (e: unknown) => void): Promise<void> {
    this.pending += 1;
    const run = this.tail.then(task).catch(onError).finally(() => {
      this.pending -= 1;
    });
    this.tail = run;
    return run;
  }

  get size(): number {
    return this.pending;
  }

  /** Resolves when everything queued so far has run. */
  idle(): Promise<void> {
    return this.tail;
  }
}
