// Throws > 1000 hostile frames at the real signaling server (no Next), then checks that a
// normal warm-up + join still works, the worker is the same process and nothing leaked.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import { CLOSE_POLICY_VIOLATION, MAX_FRAME_BYTES, replySchema } from "../../lib/signaling/protocol";
import {
  audioRtpParameters,
  eventually,
  joinedClient,
  sleep,
  startTestServer,
  TestClient,
  tokenFor,
  workerMissingReason,
  type TestServer,
} from "./sfu-test-helpers";

const skip = workerMissingReason() ?? false;

/** Raw socket that counts every reply. */
async function rawSocket(url: string) {
  const ws = new WebSocket(url);
  const messages: any[] = [];
  const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
  ws.on("error", () => undefined);
  ws.on("message", (raw) => messages.push(JSON.parse(raw.toString())));
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  return { ws, messages, closed };
}

function hostileFrames(roomId: string, goodToken: string, foreignToken: string): Array<string | Buffer> {
  const frames: Array<string | Buffer> = [];
  const methods = [
    "getRouterRtpCapabilities", "join", "createTransport", "connectTransport", "produce", "closeProducer",
    "pauseProducer", "resumeProducer", "resumeConsumer", "setConsumerPreferredLayers", "restartIce", "leave",
    "resume",
  ];
  const junkValues: unknown[] = [null, true, 0, -1, 1e308, "", "x", [], {}, [[[]]], { a: { b: { c: {} } } }, "\ud800", "💥".repeat(100)];
  // bad JSON
  for (const f of ["", "{", "}", "nope", "{'id':1}", "[1,", "\u0000\u0001", "{\"id\":1,,}", "NaN", "undefined", "1e999x", "[".repeat(3000), "{\"a\":".repeat(2000)]) {
    frames.push(f);
  }
  // deep but valid JSON
  frames.push("[".repeat(5000) + "]".repeat(5000));
  frames.push(JSON.stringify({ id: 1, method: "join", data: JSON.parse("[".repeat(2000) + "]".repeat(2000)) }));
  // envelope junk
  for (const v of junkValues) {
    frames.push(JSON.stringify(v));
    frames.push(JSON.stringify({ id: v, method: "join", data: {} }));
    frames.push(JSON.stringify({ id: 1, method: v, data: {} }));
  }
  // unknown methods incl. prototype keys
  for (const m of ["nope", "__proto__", "constructor", "toString", "valueOf", "hasOwnProperty", "JOIN", "join ", "a".repeat(64)]) {
    frames.push(JSON.stringify({ id: `u-${m.slice(0, 8)}`, method: m, data: {} }));
  }
  // every method with wrong data types
  for (const m of methods) {
    for (const v of junkValues) frames.push(JSON.stringify({ id: `${m}-junk`, method: m, data: v }));
    frames.push(JSON.stringify({ id: `${m}-proto`, method: m, data: JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}') }));
  }
  // out-of-order / foreign ids with valid shapes
  const dtls = { role: "client", fingerprints: [{ algorithm: "sha-256", value: "AA:BB" }] };
  for (let i = 0; i < 20; i++) {
    frames.push(JSON.stringify({ id: `o${i}a`, method: "createTransport", data: { direction: i % 2 ? "send" : "recv" } }));
    frames.push(JSON.stringify({ id: `o${i}b`, method: "connectTransport", data: { transportId: `t${i}`, dtlsParameters: dtls } }));
    frames.push(JSON.stringify({ id: `o${i}c`, method: "produce", data: { transportId: `t${i}`, kind: "audio", rtpParameters: audioRtpParameters(i + 1), source: "mic" } }));
    frames.push(JSON.stringify({ id: `o${i}d`, method: "resumeConsumer", data: { consumerId: `c${i}` } }));
    frames.push(JSON.stringify({ id: `o${i}e`, method: "closeProducer", data: { producerId: `p${i}` } }));
    frames.push(JSON.stringify({ id: `o${i}f`, method: "restartIce", data: { transportId: `t${i}` } }));
    frames.push(JSON.stringify({ id: `o${i}g`, method: "setConsumerPreferredLayers", data: { consumerId: `c${i}`, spatialLayer: 1 } }));
  }
  // bad tokens
  for (const token of ["x".repeat(10), "a.b.c", goodToken.slice(0, -3) + "AAA", foreignToken, `${goodToken}x`]) {
    frames.push(JSON.stringify({ id: "tok", method: "getRouterRtpCapabilities", data: { roomId, token } }));
    frames.push(JSON.stringify({ id: "tok", method: "join", data: { roomId, token, displayName: "x", rtpCapabilities: {} } }));
  }
  // resumes of peers that do not exist / with made-up secrets
  for (const peerId of ["nope", "00000000-0000-0000-0000-000000000000", "x".repeat(128)]) {
    frames.push(JSON.stringify({ id: "res", method: "resume", data: { roomId, peerId, secret: "s".repeat(32) } }));
    frames.push(JSON.stringify({ id: "res", method: "resume", data: { roomId: "../x", peerId, secret: "s".repeat(32) } }));
  }
  // valid token, hostile room ids / names
  for (const r of ["../../x", "a b", "", "x".repeat(65), "%00", "<script>"]) {
    frames.push(JSON.stringify({ id: "room", method: "getRouterRtpCapabilities", data: { roomId: r, token: goodToken } }));
  }
  // binary frames
  for (let i = 0; i < 20; i++) frames.push(Buffer.from([0, 1, 2, 3, i, 255]));
  // fill up to well over 1000 with a rotating mix
  let i = 0;
  const base = frames.length;
  while (frames.length < 1100) frames.push(frames[i++ % base]);
  return frames;
}

describe("signaling hostility", { skip }, () => {
  let server: TestServer;
  before(async () => {
    // sockets are closed without `leave` below: their peers' grace period must be short
    server = await startTestServer({ reconnectGraceMs: 300 });
  });
  after(async () => {
    await server?.close();
  });

  test(">1000 hostile frames: every one answered with an error, nothing dies", async () => {
    const roomId = "hostile";
    const workerPid = server.signaling.pool.workers[0].worker.pid;
    const goodToken = await tokenFor(roomId);
    const frames = hostileFrames(roomId, goodToken, await tokenFor("elsewhere"));
    assert.ok(frames.length >= 1000);

    // spread over sockets so the per-socket rate limit (200/s) is not what stops them
    const perSocket = 150;
    let sent = 0;
    for (let start = 0; start < frames.length; start += perSocket * 4) {
      const batch = await Promise.all(
        [0, 1, 2, 3].map(async (k) => {
          const chunk = frames.slice(start + k * perSocket, start + (k + 1) * perSocket);
          if (chunk.length === 0) return null;
          const sock = await rawSocket(server.wsUrl);
          for (const f of chunk) sock.ws.send(f, { binary: Buffer.isBuffer(f) });
          sock.ws.send(JSON.stringify({ id: "done", method: "leave" }));
          sent += chunk.length;
          await eventually(() => sock.messages.some((m) => m.id === "done") || sock.ws.readyState !== WebSocket.OPEN, 10000, "done reply");
          return { sock, expected: chunk.length + 1 };
        }),
      );
      for (const b of batch) {
        if (!b) continue;
        assert.equal(b.sock.ws.readyState, WebSocket.OPEN, "socket survives hostile but small frames");
        assert.equal(b.sock.messages.length, b.expected, "exactly one reply per frame");
        for (const m of b.sock.messages) {
          // leave is harmless when unbound: null/{} data is a valid leave
          if (m.id === "done" || (m.ok && String(m.id).startsWith("leave-"))) {
            assert.equal(m.ok, true, JSON.stringify(m));
            continue;
          }
          assert.equal(m.ok, false, JSON.stringify(m).slice(0, 200));
          assert.ok(m.error && typeof m.error.code === "string" && typeof m.error.message === "string");
          assert.notEqual(m.error.code, "INTERNAL", `no internal errors: ${JSON.stringify(m).slice(0, 300)}`);
          if (m.id !== null) assert.ok(replySchema.safeParse(m).success);
        }
        b.sock.ws.close();
      }
    }
    assert.ok(sent >= 1000, `sent ${sent}`);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);

    // oversized frames -> 1008 before parsing
    for (const size of [MAX_FRAME_BYTES + 1, 200 * 1024, 2 * 1024 * 1024]) {
      const sock = await rawSocket(server.wsUrl);
      sock.ws.send("x".repeat(size));
      assert.equal(await sock.closed, CLOSE_POLICY_VIOLATION, `frame of ${size} bytes`);
    }
    // a frame exactly at the limit is still parsed (and refused as bad JSON)
    {
      const sock = await rawSocket(server.wsUrl);
      sock.ws.send("y".repeat(MAX_FRAME_BYTES));
      await eventually(() => sock.messages.length === 1, 3000, "reply to max-size frame");
      assert.equal(sock.messages[0].error.code, "BAD_JSON");
      sock.ws.close();
    }

    // flood -> 1008
    {
      const sock = await rawSocket(server.wsUrl);
      for (let k = 0; k < 1000; k++) sock.ws.send(`{"id":${k},"method":"nope"}`);
      assert.equal(await sock.closed, CLOSE_POLICY_VIOLATION, "flooding socket closed");
    }

    // hostile-but-well-shaped mediasoup parameters on real transports
    {
      const { client } = await joinedClient(server, roomId, "Mallory");
      const send = await client.ok("createTransport", { direction: "send" });
      await client.fails("connectTransport", { transportId: send.id, dtlsParameters: { role: "client", fingerprints: [{ algorithm: "md5", value: "zz" }] } }, "BAD_REQUEST");
      const weird = [
        { codecs: [{ mimeType: "audio/opus", payloadType: 111, clockRate: 48000 }], encodings: [{ ssrc: -5 }] },
        { codecs: [{ mimeType: "audio/opus", payloadType: 111, clockRate: 48000 }], encodings: [{ ssrc: "abc" }] },
        { codecs: [{ mimeType: "audio/opus", payloadType: 111, clockRate: 48000, parameters: { x: { deep: [1, 2] } } }], encodings: [{ ssrc: 2 ** 40 }] },
        { codecs: [{ mimeType: "video/VP8", payloadType: 96, clockRate: 90000 }], encodings: [{ rid: "x".repeat(500) }] },
        { codecs: [{ mimeType: "nonsense", payloadType: 1, clockRate: 1 }] },
        { codecs: [{ mimeType: "audio/opus", payloadType: 111, clockRate: 48000 }], headerExtensions: [{ uri: "urn:x", id: 300 }], encodings: [{ ssrc: 9 }] },
      ];
      for (const rtpParameters of weird) {
        const r = await client.request("produce", { transportId: send.id, kind: "audio", rtpParameters, source: "mic" });
        if (r.ok) {
          await client.ok("closeProducer", { producerId: r.data.producerId });
        } else {
          assert.ok(["BAD_REQUEST", "UNSUPPORTED"].includes(r.error!.code), JSON.stringify(r.error));
        }
      }
      await client.close();
    }

    // the server is fine: same worker, normal flow works, nothing leaked
    assert.equal(server.signaling.pool.workers[0].worker.pid, workerPid, "worker did not crash");
    const ok = await TestClient.connect(server.wsUrl);
    const token = await tokenFor(roomId);
    const { routerRtpCapabilities } = await ok.ok("getRouterRtpCapabilities", { roomId, token });
    const join = await ok.ok("join", { roomId, token, displayName: "Normal", rtpCapabilities: routerRtpCapabilities });
    assert.ok(join.peerId);
    await ok.close();
    await sleep(50);
    await eventually(async () => {
      const s = await server.stats();
      return s.rooms === 0 && s.transports === 0 && s.peers === 0;
    }, 5000, "everything freed");
  });
});
