// Pure bookkeeping for the meeting-history recorder (no I/O; unit-tested directly).

// ---- presence: who is in the room, counted per participant ------------------------------
//
// A participant (participantKey from the join token) may hold several connections at once:
// two tabs, or a dropped socket that came back before the old one was reaped. They count
// once, and their Attendance row stays open until their last connection leaves.

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
  /** First connection of this participant: open an Attendance row. */
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
  /** The participant had no other connection: close their Attendance row. */
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

export interface QualityInput {
  packetLossPercent: number;
  rttMs: number | null;
  sendKbps: number;
  recvKbps: number;
}

export interface QualityAccumulator {
  samples: number;
  lossSum: number;
  lossMax: number;
  rttSamples: number; // rtt is null until RTCP has reported
  rttSum: number;
  sendSum: number;
  recvSum: number;
}

/** The Attendance columns the accumulator maps to. */
export interface QualitySummary {
  qualitySamples: number;
  meanPacketLoss: number | null;
  maxPacketLoss: number | null;
  meanRttMs: number | null;
  meanSendKbps: number | null;
  meanRecvKbps: number | null;
}

export function newQuality(): QualityAccumulator {
  return { samples: 0, lossSum: 0, lossMax: 0, rttSamples: 0, rttSum: 0, sendSum: 0, recvSum: 0 };
}

const finite = (n: number | null | undefined): n is number => typeof n === "number" && Number.isFinite(n);

/** Adds one sample (ignores non-finite numbers so a bad stat can't poison the means). */
export function addQualitySample(acc: QualityAccumulator, s: QualityInput): void {
  if (!finite(s.packetLossPercent) || !finite(s.sendKbps) || !finite(s.recvKbps)) return;
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
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function qualitySummary(acc: QualityAccumulator): QualitySummary {
  if (acc.samples === 0) {
    return {
      qualitySamples: 0,
      meanPacketLoss: null,
      maxPacketLoss: null,
      meanRttMs: null,
      meanSendKbps: null,
      meanRecvKbps: null,
    };
  }
  return {
    qualitySamples: acc.samples,
    meanPacketLoss: round2(acc.lossSum / acc.samples),
    maxPacketLoss: round2(acc.lossMax),
    meanRttMs: acc.rttSamples ? round2(acc.rttSum / acc.rttSamples) : null,
    meanSendKbps: round2(acc.sendSum / acc.samples),
    meanRecvKbps: round2(acc.recvSum / acc.samples),
  };
}

// ---- a promise queue: one per session, so its writes never interleave ---------------------

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
