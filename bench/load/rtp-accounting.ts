// Loss, sequence gaps and bitrate of RTP streams, counted from what really arrives.
//
// Per stream (one SSRC = one consumer) we keep the extended (wrap-aware) highest sequence
// number and a sliding window of the sequence numbers already seen, so that:
//   expected  = highest - first + 1              (RFC 3550 A.3)
//   received  = distinct sequence numbers seen   (duplicates and retransmissions counted once)
//   lost      = expected - received              (what never arrived, even late; >= 0)
//   gaps      = forward jumps of the highest sequence number by more than 1 (a burst of
//               loss or reordering as it happened, before any NACK recovery)
// Measurement windows are taken with snapshot() and diff(): the loss of a window is the
// growth of `lost` over the growth of `expected`.

/** RTP sequence numbers are 16 bits. */
const SEQ_MOD = 0x10000;
/** How far back a late packet is still matched against the seen-window (larger = too old). */
const WINDOW = 1024;

export type StreamCounts = {
  /** Distinct packets received. */
  received: number;
  /** Packets expected from the first to the highest sequence number. */
  expected: number;
  lost: number;
  gaps: number;
  duplicates: number;
  /** RTP payload + header bytes of distinct packets. */
  bytes: number;
};

export class RtpStreamCounter {
  private first = -1;
  /** Extended highest sequence number (cycles * 65536 + seq). */
  private highest = -1;
  private readonly seen = new Uint8Array(WINDOW);
  private received = 0;
  private gaps = 0;
  private duplicates = 0;
  private bytes = 0;

  /** Feeds one packet's 16-bit sequence number and size. */
  add(seq: number, size: number): void {
    seq &= 0xffff;
    if (this.highest < 0) {
      this.first = this.highest = seq;
      this.mark(seq);
      this.received++;
      this.bytes += size;
      return;
    }
    // Place seq in the cycle that puts it closest to the highest seen (RFC 3550 style).
    const hiSeq = this.highest % SEQ_MOD;
    let delta = seq - hiSeq;
    if (delta > SEQ_MOD / 2) delta -= SEQ_MOD;
    else if (delta < -SEQ_MOD / 2) delta += SEQ_MOD;
    const ext = this.highest + delta;
    if (delta > 0) {
      if (delta > 1) this.gaps++;
      // clear the window slots we skip over so old marks are not mistaken for new packets
      for (let s = this.highest + 1; s < ext && s - this.highest <= WINDOW; s++) this.seen[s % WINDOW] = 0;
      this.highest = ext;
      this.seen[ext % WINDOW] = 0;
    } else if (this.highest - ext >= WINDOW) {
      return; // too late to tell a duplicate from a recovery: ignore
    } else if (ext < this.first) {
      this.first = ext; // older than the first packet (reordered start): extend the range backwards
    }
    if (this.seen[ext % WINDOW]) {
      this.duplicates++;
      return;
    }
    this.mark(ext);
    this.received++;
    this.bytes += size;
  }

  private mark(ext: number): void {
    this.seen[ext % WINDOW] = 1;
  }

  counts(): StreamCounts {
    const expected = this.highest < 0 ? 0 : this.highest - this.first + 1;
    return {
      received: this.received,
      expected,
      lost: Math.max(0, expected - this.received),
      gaps: this.gaps,
      duplicates: this.duplicates,
      bytes: this.bytes,
    };
  }
}

export type WindowStats = {
  streams: number;
  /** Streams that received nothing in the window. */
  silentStreams: number;
  received: number;
  expected: number;
  lost: number;
  gaps: number;
  /** 100 * lost / expected over every stream (silent streams count as fully lost, see below). */
  lossPct: number;
  /** Worst single stream's loss in the window, percent. */
  worstStreamLossPct: number;
  /** Mean bitrate per stream, kbit/s. */
  kbpsPerStream: number;
};

/** Counts of many streams at one instant. */
export type Snapshot = { at: number; streams: Map<string, StreamCounts> };

export function snapshot(streams: Map<string, RtpStreamCounter> | Iterable<[string, StreamCounts]>, at = Date.now()): Snapshot {
  const out = new Map<string, StreamCounts>();
  for (const [key, value] of streams) out.set(key, value instanceof RtpStreamCounter ? value.counts() : { ...value });
  return { at, streams: out };
}

/**
 * Loss over the window between two snapshots. A stream expected in the window (present in
 * `expectedKeys`, or in `before`) that got nothing counts as silent and as lost for the whole
 * window: `expectedPerStream` packets (estimated from the streams that did receive).
 */
export function windowStats(before: Snapshot, after: Snapshot, expectedKeys?: Iterable<string>): WindowStats {
  const seconds = Math.max(0.001, (after.at - before.at) / 1000);
  const keys = new Set<string>([...(expectedKeys ?? []), ...before.streams.keys(), ...after.streams.keys()]);
  const zero: StreamCounts = { received: 0, expected: 0, lost: 0, gaps: 0, duplicates: 0, bytes: 0 };
  let received = 0;
  let expected = 0;
  let lost = 0;
  let gaps = 0;
  let bytes = 0;
  let silent = 0;
  let worst = 0;
  let activeStreams = 0;
  const deltas: StreamCounts[] = [];
  for (const key of keys) {
    const a = before.streams.get(key) ?? zero;
    const b = after.streams.get(key) ?? zero;
    const d: StreamCounts = {
      received: b.received - a.received,
      expected: b.expected - a.expected,
      lost: Math.max(0, b.lost - a.lost),
      gaps: b.gaps - a.gaps,
      duplicates: b.duplicates - a.duplicates,
      bytes: b.bytes - a.bytes,
    };
    deltas.push(d);
    if (d.received > 0) activeStreams++;
  }
  // what one stream should have carried in the window: the median of the active ones
  const activeExpected = deltas.filter((d) => d.received > 0).map((d) => d.expected).sort((x, y) => x - y);
  const typical = activeExpected.length ? activeExpected[Math.floor(activeExpected.length / 2)] : 0;
  for (const d of deltas) {
    let e = d.expected;
    let l = d.lost;
    if (d.received === 0) {
      silent++;
      e = typical;
      l = typical;
    }
    received += d.received;
    expected += e;
    lost += l;
    gaps += d.gaps;
    bytes += d.bytes;
    if (e > 0) worst = Math.max(worst, (100 * l) / e);
  }
  return {
    streams: keys.size,
    silentStreams: silent,
    received,
    expected,
    lost,
    gaps,
    lossPct: expected > 0 ? (100 * lost) / expected : keys.size > 0 ? 100 : 0,
    worstStreamLossPct: worst,
    kbpsPerStream: activeStreams ? (bytes * 8) / 1000 / seconds / activeStreams : 0,
  };
}

/** Sequence number and SSRC from an RTP (or SRTP: the header is not encrypted) packet; null for RTCP/short. */
export function rtpHeader(packet: Uint8Array): { ssrc: number; seq: number; payloadType: number } | null {
  if (packet.length < 12 || packet[0] >> 6 !== 2) return null;
  const pt = packet[1] & 0x7f;
  // RTCP packet types 200-206 (SR, RR, SDES, BYE, APP, RTPFB, PSFB) land on pt 72-78 with the marker bit
  if (packet[1] >= 192 && packet[1] <= 223) return null;
  const seq = (packet[2] << 8) | packet[3];
  const ssrc = ((packet[8] << 24) | (packet[9] << 16) | (packet[10] << 8) | packet[11]) >>> 0;
  return { ssrc, seq, payloadType: pt };
}
