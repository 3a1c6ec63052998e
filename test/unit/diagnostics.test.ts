// The diagnostics panel's figures from getStats() reports (plain Maps shaped like Chromium's
// RTCStatsReport): codec, size, fps, bitrate over two readings, loss / jitter / RTT as the
// other end reports them, simulcast layers, the selected ICE path and DTLS state.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BitrateMeter, collectDiagnostics, recvFigures, sendFigures, transportFigures, type StatsLike } from "../../lib/client/diagnostics";

const report = (...stats: Record<string, unknown>[]): StatsLike & { getStats?: never } => {
  const m = new Map(stats.map((s) => [s.id as string, s]));
  return { forEach: (cb) => m.forEach((v) => cb(v)), get: (id) => m.get(id) };
};

test("sending: codec, size, fps, loss / jitter / RTT from remote-inbound-rtp; bitrate from two readings", () => {
  const meter = new BitrateMeter();
  const at = (t: number, bytes: number) =>
    report(
      { id: "c1", type: "codec", mimeType: "video/VP8" },
      { id: "o1", type: "outbound-rtp", kind: "video", codecId: "c1", frameWidth: 640, frameHeight: 360, framesPerSecond: 24, bytesSent: bytes, packetsSent: 900, timestamp: t, qualityLimitationReason: "bandwidth" },
      { id: "r1", type: "remote-inbound-rtp", localId: "o1", fractionLost: 0.015, jitter: 0.0042, roundTripTime: 0.031 },
    );
  const [first] = sendFigures(at(1000, 100_000), "camera", meter);
  assert.equal(first.bitrateKbps, null, "one reading is not a rate");
  const [f] = sendFigures(at(2000, 200_000), "camera", meter);
  assert.deepEqual(
    { codec: f.codec, w: f.width, h: f.height, fps: f.fps, kbps: f.bitrateKbps, loss: f.lossPercent, jitter: f.jitterMs, rtt: f.rttMs, layer: f.layer, limited: f.limitedBy },
    { codec: "VP8", w: 640, h: 360, fps: 24, kbps: 800, loss: 1.5, jitter: 4.2, rtt: 31, layer: null, limited: "bandwidth" },
  );
});

test("sending with simulcast: one row per layer, named by rid", () => {
  const rows = sendFigures(
    report(
      { id: "a", type: "outbound-rtp", kind: "video", rid: "r0", frameWidth: 160 },
      { id: "b", type: "outbound-rtp", kind: "video", rid: "r1", frameWidth: 320 },
      { id: "c", type: "outbound-rtp", kind: "video", rid: "r2", frameWidth: 640, qualityLimitationReason: "none" },
    ),
    "camera",
    new BitrateMeter(),
  );
  assert.deepEqual(rows.map((r) => [r.layer, r.width, r.limitedBy]), [["r0", 160, null], ["r1", 320, null], ["r2", 640, null]]);
});

test("receiving: loss from packetsLost / packets, jitter, RTT of the path, frames decoded", () => {
  const f = recvFigures(
    report(
      { id: "c", type: "codec", mimeType: "audio/opus" },
      { id: "i", type: "inbound-rtp", kind: "audio", codecId: "c", packetsReceived: 990, packetsLost: 10, jitter: 0.002, bytesReceived: 1, timestamp: 1 },
      { id: "p", type: "candidate-pair", state: "succeeded", nominated: true, currentRoundTripTime: 0.012 },
    ),
    { source: "mic", peerName: "Ana" },
    new BitrateMeter(),
  )!;
  assert.deepEqual(
    { codec: f.codec, loss: f.lossPercent, jitter: f.jitterMs, rtt: f.rttMs, who: f.peerName, src: f.source, w: f.width },
    { codec: "opus", loss: 1, jitter: 2, rtt: 12, who: "Ana", src: "mic", w: null },
  );
  assert.equal(recvFigures(report(), { source: "mic", peerName: null }, new BitrateMeter()), null, "no inbound stream yet");
});

test("transport: the selected candidate pair as a readable path, checks, DTLS", () => {
  const t = transportFigures(
    report(
      { id: "t", type: "transport", dtlsState: "connected", iceState: "connected", selectedCandidatePairId: "p", tlsVersion: "FEFD", srtpCipher: "AES_CM_128_HMAC_SHA1_80" },
      { id: "p", type: "candidate-pair", localCandidateId: "l", remoteCandidateId: "r", requestsSent: 3, responsesReceived: 3, currentRoundTripTime: 0.001, availableOutgoingBitrate: 1_234_000 },
      { id: "l", type: "local-candidate", candidateType: "host", protocol: "udp", address: "127.0.0.1", port: 5000 },
      { id: "r", type: "remote-candidate", candidateType: "host", address: "127.0.0.1", port: 40000 },
    ),
    "send",
  );
  assert.deepEqual(t, {
    direction: "send",
    iceState: "connected",
    dtlsState: "connected",
    dtlsCipher: null,
    srtpCipher: "AES_CM_128_HMAC_SHA1_80",
    tlsVersion: "FEFD",
    path: "udp host 127.0.0.1:5000 → host 127.0.0.1:40000",
    checksSent: 3,
    checksAnswered: 3,
    rttMs: 1,
    availableOutgoingKbps: 1234,
  });
});

test("the whole report is plain JSON; a stream that closed meanwhile is left out", async () => {
  const live = { getStats: async () => report({ id: "o", type: "outbound-rtp", kind: "audio" }) as unknown as RTCStatsReport };
  const closed = { getStats: async () => Promise.reject(new Error("closed")) };
  const r = await collectDiagnostics({
    roomId: "room",
    peerId: "me",
    setup: { sinceWarmup: { socketOpen: 12 }, sinceJoin: { joinReply: 30 } },
    signaling: { join: { count: 1, firstMs: 20, lastMs: 20, maxMs: 20, meanMs: 20 } },
    transports: {},
    producers: [{ source: "mic", producer: live }, { source: "camera", producer: closed }],
    consumers: [{ source: "camera", peerName: "Ana", consumer: closed }],
  });
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
  assert.equal(r.sending.length, 1);
  assert.equal(r.receiving.length, 0);
  assert.deepEqual(r.setup.sinceWarmup, { socketOpen: 12 });
});
