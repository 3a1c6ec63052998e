// bench/load's loss and gap accounting (what `npm run bench:load` reports as lossPct).
import { test } from "node:test";
import assert from "node:assert/strict";
import { RtpStreamCounter, rtpHeader, snapshot, windowStats } from "../../bench/load/rtp-accounting";

function feed(counter: RtpStreamCounter, seqs: number[], size = 1000): RtpStreamCounter {
  for (const s of seqs) counter.add(s, size);
  return counter;
}
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => (from + i) & 0xffff);

test("a clean stream has no loss and no gaps", () => {
  const c = feed(new RtpStreamCounter(), range(100, 500)).counts();
  assert.deepEqual(c, { received: 500, expected: 500, lost: 0, gaps: 0, duplicates: 0, bytes: 500_000 });
});

test("missing packets are lost; each hole is one gap", () => {
  const seqs = range(0, 100).filter((s) => s !== 10 && s !== 50 && s !== 51 && s !== 52);
  const c = feed(new RtpStreamCounter(), seqs).counts();
  assert.equal(c.expected, 100);
  assert.equal(c.received, 96);
  assert.equal(c.lost, 4);
  assert.equal(c.gaps, 2);
});

test("sequence wrap-around is not loss", () => {
  const c = feed(new RtpStreamCounter(), range(65_500, 100)).counts();
  assert.equal(c.expected, 100);
  assert.equal(c.lost, 0);
  assert.equal(c.gaps, 0);
});

test("a late packet (reordering, NACK retransmission) recovers the loss; a duplicate does not count twice", () => {
  const c = feed(new RtpStreamCounter(), [1, 2, 4, 5, 3, 3, 6]).counts();
  assert.equal(c.expected, 6);
  assert.equal(c.received, 6);
  assert.equal(c.lost, 0);
  assert.equal(c.gaps, 1, "the jump 2 -> 4 was seen when it happened");
  assert.equal(c.duplicates, 1);
});

test("a packet older than the first one extends the range", () => {
  const c = feed(new RtpStreamCounter(), [10, 11, 9, 12]).counts();
  assert.equal(c.expected, 4);
  assert.equal(c.lost, 0);
});

test("a jump longer than the window still counts the hole as lost, and old marks are forgotten", () => {
  const c = new RtpStreamCounter();
  feed(c, range(0, 10));
  feed(c, range(3000, 10)); // 2990 lost
  feed(c, [5]); // far too late: ignored, not a duplicate of a recycled slot
  const n = c.counts();
  assert.equal(n.expected, 3010);
  assert.equal(n.received, 20);
  assert.equal(n.lost, 2990);
  assert.equal(n.duplicates, 0);
});

test("window stats: loss over the window, a silent stream counts as fully lost", () => {
  const a = new RtpStreamCounter();
  const b = new RtpStreamCounter();
  const silent = new RtpStreamCounter();
  feed(a, range(0, 100));
  feed(b, range(0, 100));
  feed(silent, range(0, 100));
  const before = snapshot(new Map([["a", a], ["b", b], ["s", silent]]), 0);
  feed(a, range(100, 100));
  feed(b, range(100, 100).filter((s) => s % 10 !== 0)); // 10 of 100 lost
  const after = snapshot(new Map([["a", a], ["b", b], ["s", silent]]), 2000);
  const w = windowStats(before, after);
  assert.equal(w.streams, 3);
  assert.equal(w.silentStreams, 1);
  // a: 100/100, b: 90/100 (the loss at 190 is inside the window: highest 199), silent: 0/100
  assert.equal(w.expected, 300);
  assert.equal(w.lost, 110);
  assert.ok(Math.abs(w.lossPct - 110 / 3) < 1e-9);
  assert.equal(w.worstStreamLossPct, 100);
  // (100 + 90) packets * 1000 bytes * 8 bit / 2 s / 2 active streams = 380 kbit/s
  assert.equal(w.kbpsPerStream, 380);
});

test("window stats: a stream that never started but was expected counts as lost", () => {
  const a = feed(new RtpStreamCounter(), range(0, 50));
  const before = snapshot(new Map(), 0);
  const after = snapshot(new Map([["a", a]]), 1000);
  const w = windowStats(before, after, ["a", "never"]);
  assert.equal(w.silentStreams, 1);
  assert.equal(w.lossPct, 50);
});

test("rtpHeader reads SSRC and sequence number, and refuses RTCP", () => {
  const rtp = Uint8Array.from([0x80, 0x60, 0x12, 0x34, 0, 0, 0, 1, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3]);
  assert.deepEqual(rtpHeader(rtp), { ssrc: 0xdeadbeef, seq: 0x1234, payloadType: 0x60 });
  const rr = Uint8Array.from([0x81, 201, 0, 7, 0, 0, 0, 1, 0, 0, 0, 2]);
  assert.equal(rtpHeader(rr), null);
  assert.equal(rtpHeader(Uint8Array.from([0x80, 0x60])), null);
});
