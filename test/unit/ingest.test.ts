// Ingest (admins streaming ffmpeg/RTP into a room) against a real mediasoup worker through the
// real signaling server: who may create PlainTransports and produce on them, what the others
// see, and that an ffmpeg-fed producer really receives media.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { verifyJoinToken, signJoinToken } from "../../lib/auth/join-token";
import { ffmpegRtpArgs } from "../../lib/ingest/ffmpeg-rtp";
import { INGEST_VIDEO_PT } from "../../lib/ingest/ingest-client";
import { signIngestToken } from "../../lib/ingest/ingest-token";
import { parseRequest } from "../../lib/signaling/protocol";
import { ingestDisplayName, MAX_INGEST_TRANSPORTS } from "../../server/rooms/ingest";
import {
  eventually,
  joinedClient,
  startTestServer,
  TestClient,
  tokenFor,
  videoRtpParameters,
  workerMissingReason,
  type TestServer,
} from "./sfu-test-helpers";

const skip = workerMissingReason() ?? false;

function ffmpegMissing(): string | false {
  if (spawnSync("sh", ["-c", "command -v ffmpeg"]).status === 0) return false;
  if (process.env.CI) throw new Error("CI: ffmpeg is not installed (.ci/run installs it)");
  console.warn("SKIPPING the ffmpeg ingest test: ffmpeg is not installed (apt-get install ffmpeg)");
  return "ffmpeg is not installed";
}

async function ingestClient(server: TestServer, roomId: string, name: string) {
  const client = await TestClient.connect(server.wsUrl);
  const token = (await signIngestToken(roomId, name)).token;
  const { routerRtpCapabilities: caps } = await client.ok("getRouterRtpCapabilities", { roomId, token });
  return { client, token, caps };
}

test("ingest claim: signed only on purpose, survives verification, malformed is refused", async () => {
  const { token } = await signIngestToken("room-a", "cam");
  const ok = await verifyJoinToken(token, "room-a");
  assert.ok(ok.ok);
  assert.equal(ok.ok && ok.claims.ingest, true);
  assert.match(ok.ok ? ok.claims.sub : "", /^ingest:/);
  const normal = await verifyJoinToken(await tokenFor("room-a"), "room-a");
  assert.ok(normal.ok);
  assert.equal(normal.ok && normal.claims.ingest, undefined, "ordinary tokens carry no ingest claim");
  // a token whose ingest claim is not a boolean is invalid (not silently an ingest token)
  const { SignJWT } = await import("jose");
  const bad = await new SignJWT({ room: "room-a", name: "x", host: false, guest: true, ingest: "yes" })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject("guest:x")
    .setIssuer("meet")
    .setAudience("meet-join")
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(new TextEncoder().encode(process.env.JOIN_TOKEN_SECRET));
  const refused = await verifyJoinToken(bad, "room-a");
  assert.equal(refused.ok, false);
  // signJoinToken with ingest: false writes no claim
  const plain = await verifyJoinToken((await signJoinToken({ room: "r", sub: "s", name: "n", host: false, guest: true, ingest: false })).token, "r");
  assert.equal(plain.ok && plain.claims.ingest, undefined);
});

test("createPlainTransport is validated like every request", () => {
  assert.equal(parseRequest(JSON.stringify({ id: 1, method: "createPlainTransport", data: { kind: "video" } })).ok, true);
  const bad = parseRequest(JSON.stringify({ id: 2, method: "createPlainTransport", data: { kind: "data" } }));
  assert.equal(bad.ok, false);
  assert.equal(!bad.ok && bad.error.code, "BAD_REQUEST");
});

test("a stream is always named as one", () => {
  assert.equal(ingestDisplayName("Keynote"), "Stream: Keynote");
  assert.equal(ingestDisplayName("stream: Keynote"), "Stream: Keynote");
  assert.equal(ingestDisplayName("  "), "Stream: stream");
  assert.ok(ingestDisplayName("x".repeat(200)).length <= 64);
});

describe("ingest permissions (real mediasoup worker)", { skip }, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ maxPeers: 10 });
  });
  after(async () => {
    await server?.close();
  });

  test("ordinary participants cannot create PlainTransports", async () => {
    const { client } = await joinedClient(server, "perm-1", "Alice");
    const r = await client.fails("createPlainTransport", { kind: "video" }, "FORBIDDEN");
    assert.match(r.error!.message, /ingest/);
    const host = await joinedClient(server, "perm-1", "Host", { host: true });
    await host.client.fails("createPlainTransport", { kind: "audio" }, "FORBIDDEN");
    assert.equal((await server.stats()).transports, 0);
    await client.close();
    await host.client.close();
  });

  test("an ingest token must join first", async () => {
    const { client } = await ingestClient(server, "perm-2", "cam");
    await client.fails("createPlainTransport", { kind: "video" }, "NOT_JOINED");
    await client.close();
  });

  test("an ingest bot joins as 'Stream: <name>', produces on its PlainTransport, others consume it", async () => {
    const roomId = "perm-3";
    const viewer = await joinedClient(server, roomId, "Viewer", { recvBeforeJoin: true });
    const bot = await ingestClient(server, roomId, "Lobby cam");
    const join = await bot.client.ok("join", { roomId, token: bot.token, displayName: "Lobby cam", rtpCapabilities: bot.caps });
    const joined = await viewer.client.waitFor("peerJoined");
    assert.equal(joined.data.peer.displayName, "Stream: Lobby cam");
    assert.equal(joined.data.peer.id, join.peerId);

    const t = await bot.client.ok("createPlainTransport", { kind: "video" });
    assert.equal(t.ip, "127.0.0.1", "loopback by default");
    assert.ok(t.port > 0 && t.rtcpPort > 0 && t.rtcpPort !== t.port);
    await bot.client.fails(
      "produce",
      { transportId: t.id, kind: "audio", source: "mic", rtpParameters: videoRtpParameters(5) },
      "BAD_REQUEST",
    );
    const { producerId } = await bot.client.ok("produce", {
      transportId: t.id,
      kind: "video",
      source: "camera",
      rtpParameters: videoRtpParameters(1234),
    });
    const nc = await viewer.client.waitFor("newConsumer", (d) => d.producerId === producerId);
    assert.equal(nc.data.peerId, join.peerId);
    assert.equal(nc.data.source, "camera");

    // nobody else can produce on (or otherwise use) the bot's transport
    const intruder = await joinedClient(server, roomId, "Mallory");
    await intruder.client.fails(
      "produce",
      { transportId: t.id, kind: "video", source: "camera", rtpParameters: videoRtpParameters(99) },
      "FORBIDDEN",
    );
    await intruder.client.fails("connectTransport", { transportId: t.id, dtlsParameters: { fingerprints: [{ algorithm: "sha-256", value: "AA" }] } }, "FORBIDDEN");
    await intruder.client.close();

    // a bot's transports are capped
    for (let i = 1; i < MAX_INGEST_TRANSPORTS; i++) await bot.client.ok("createPlainTransport", { kind: "audio" });
    await bot.client.fails("createPlainTransport", { kind: "audio" }, "BAD_REQUEST");

    // leaving frees the transports and tells the viewer
    await bot.client.ok("leave", {});
    await viewer.client.waitFor("consumerClosed", (d) => d.consumerId === nc.data.consumerId);
    await eventually(async () => (await server.stats()).producers === 0, 3000, "bot producer freed");
    await bot.client.close();
    await viewer.client.close();
  });
});

describe("ffmpeg into an ingest producer (real mediasoup worker, Debian's ffmpeg)", { skip: skip || ffmpegMissing() }, () => {
  let server: TestServer;
  let ffmpeg: ChildProcess | null = null;
  before(async () => {
    server = await startTestServer({ maxPeers: 10 });
  });
  after(async () => {
    ffmpeg?.kill("SIGKILL");
    await server?.close();
  });

  test("the producer receives ffmpeg's VP8 test pattern", async () => {
    const roomId = "ffmpeg-1";
    const bot = await ingestClient(server, roomId, "pattern");
    await bot.client.ok("join", { roomId, token: bot.token, displayName: "pattern", rtpCapabilities: bot.caps });
    const t = await bot.client.ok("createPlainTransport", { kind: "video" });
    const ssrc = 424242;
    const { producerId } = await bot.client.ok("produce", {
      transportId: t.id,
      kind: "video",
      source: "camera",
      rtpParameters: {
        codecs: [{ mimeType: "video/VP8", payloadType: INGEST_VIDEO_PT, clockRate: 90000, rtcpFeedback: [{ type: "nack", parameter: "pli" }] }],
        encodings: [{ ssrc }],
      },
    });
    ffmpeg = spawn(
      "ffmpeg",
      ffmpegRtpArgs({
        input: "testsrc=size=320x180:rate=15",
        inputFormat: "lavfi",
        mode: "encode",
        videoKbps: 200,
        video: [{ ip: t.ip, port: t.port, rtcpPort: t.rtcpPort, ssrc, payloadType: INGEST_VIDEO_PT }],
        audio: [],
      }),
      { stdio: "ignore" },
    );
    const room = server.signaling.registry.get(roomId)!;
    const producer = [...room.peers.values()].flatMap((p) => [...p.producers.values()]).find((p) => p.id === producerId)!;
    assert.ok(producer, "the producer exists on the server");
    await eventually(
      async () => (await producer.getStats()).some((s) => s.packetCount > 30 && s.mimeType === "video/VP8"),
      10_000,
      "RTP packets from ffmpeg",
    );
    await bot.client.close();
  });
});
