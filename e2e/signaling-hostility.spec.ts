// Signaling hostility through the PRODUCTION server (Next + custom server + real join tokens
// from the Next route). The bulk ">= 1000 malformed frames" test lives in
// test/unit/signaling-hostility.test.ts (signaling server without Next); this file adds what
// that one does not cover: two joined peers attacking each other's transports, producers
// and consumers (must be refused, and the owner's objects must survive), mediasoup-invalid
// parameters, an invalid-UTF-8 text frame, forged tokens — then no leak, and a normal join.
import { expect, test } from "@playwright/test";
import WebSocket from "ws";
import { signJoinToken } from "../lib/auth/join-token";
import { CLOSE_CODES } from "../lib/signaling/protocol";
import { baseUrl, guestJoinToken, RawSignalingClient, sfuStats, waitForStats, wsUrl } from "./fixtures/app";
import { createMeetingRoom, type MeetingRoom } from "./fixtures/room";
import { TEST_NEXTAUTH_SECRET } from "./fixtures/server-env";

const VP8_RTP = {
  mid: "0",
  codecs: [{ mimeType: "video/VP8", payloadType: 101, clockRate: 90000, rtcpFeedback: [] }],
  headerExtensions: [],
  encodings: [{ ssrc: 11112222 }],
  rtcp: { cname: "hostile" },
};
const DTLS = { role: "client", fingerprints: [{ algorithm: "sha-256", value: "AB:CD" }] };

test.describe("signaling hostility (production server)", () => {
  let roomA: MeetingRoom;
  let roomB: MeetingRoom;

  test.beforeAll(async ({ browser }) => {
    roomA = await createMeetingRoom(browser, baseUrl(), "HostileA");
    roomB = await createMeetingRoom(browser, baseUrl(), "HostileB");
  });

  test("joined peers cannot touch each other's objects; forged tokens refused; no leaks; a normal join works", async ({ request }) => {
    const baseline = await sfuStats(request);
    const tokenA = await guestJoinToken(request, roomA.roomId, roomA.inviteToken, "Eve");
    const tokenB = await guestJoinToken(request, roomB.roomId, roomB.inviteToken, "Eve");
    const forged = [
      (await signJoinToken({ room: roomA.roomId, sub: "guest:forged", name: "F", host: true, guest: false }, { secret: "not-the-server-secret-0123456789" })).token,
      // alg "none"
      `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${Buffer.from(
        JSON.stringify({ room: roomA.roomId, sub: "guest:x", name: "N", host: true, guest: false, iss: "meet", aud: "meet-join", exp: 9999999999 }),
      ).toString("base64url")}.`,
    ];
    if (!process.env.E2E_BASE_URL) {
      // expired, signed with the test server's real secret
      forged.push(
        (await signJoinToken({ room: roomA.roomId, sub: "guest:old", name: "Old", host: false, guest: true }, { secret: TEST_NEXTAUTH_SECRET, now: new Date(Date.now() - 3600_000), ttlSeconds: 60 })).token,
      );
    }

    const problems: string[] = [];
    const allCodes: Record<string, number> = {};
    let sent = 0;
    const tally = (codes: string[]) => codes.forEach((c) => (allCodes[c] = (allCodes[c] ?? 0) + 1));

    // --- forged / foreign tokens on a fresh socket
    const s1 = await RawSignalingClient.connect();
    const caps = { codecs: [{ kind: "audio", mimeType: "audio/opus", clockRate: 48000, channels: 2 }] };
    const tokenCases: [string, string[]][] = [...forged.map((t): [string, string[]] => [t, ["UNAUTHORIZED"]]), [tokenB, ["FORBIDDEN"]]];
    for (const [token, codes] of tokenCases) {
      for (const method of ["getRouterRtpCapabilities", "join"]) {
        const r = await s1.request(method, { roomId: roomA.roomId, token, displayName: "Forger", rtpCapabilities: caps });
        sent++;
        tally([r.ok ? "ok" : r.error!.code]);
        if (r.ok || !codes.includes(r.error!.code)) problems.push(`${method} with ${token.slice(0, 12)}...: expected ${codes.join("|")}, got ${JSON.stringify(r)}`);
      }
    }

    // --- after join: two joined sockets poke at each other's objects
    const h1 = await RawSignalingClient.connect();
    const h2 = await RawSignalingClient.connect();
    const caps1 = (await h1.call("getRouterRtpCapabilities", { roomId: roomA.roomId, token: tokenA })).routerRtpCapabilities;
    await h1.call("join", { roomId: roomA.roomId, token: tokenA, displayName: "Eve", rtpCapabilities: caps1 });
    const tokenA2 = await guestJoinToken(request, roomA.roomId, roomA.inviteToken, "Mallory");
    await h2.call("join", { roomId: roomA.roomId, token: tokenA2, displayName: "Mallory", rtpCapabilities: caps1 });
    const send1 = await h1.call("createTransport", { direction: "send" });
    const recv2 = await h2.call("createTransport", { direction: "recv" });
    const { producerId } = await h1.call("produce", { transportId: send1.id, kind: "video", rtpParameters: VP8_RTP, source: "camera" });
    const note = await h2.waitFor(
      () => h2.notifications.find((n) => n.notification === "newConsumer" && n.data.producerId === producerId),
      10_000,
      "newConsumer at h2",
    );
    const consumerId2: string = note.data.consumerId;
    const foreign: [RawSignalingClient, string, unknown, string[]][] = [
      [h2, "pauseProducer", { producerId }, ["NOT_FOUND", "FORBIDDEN"]],
      [h2, "resumeProducer", { producerId }, ["NOT_FOUND", "FORBIDDEN"]],
      [h2, "closeProducer", { producerId }, ["NOT_FOUND", "FORBIDDEN"]],
      [h2, "connectTransport", { transportId: send1.id, dtlsParameters: DTLS }, ["NOT_FOUND", "FORBIDDEN"]],
      [h2, "restartIce", { transportId: send1.id }, ["NOT_FOUND", "FORBIDDEN"]],
      [h2, "produce", { transportId: send1.id, kind: "video", rtpParameters: VP8_RTP, source: "camera" }, ["NOT_FOUND", "FORBIDDEN"]],
      [h1, "resumeConsumer", { consumerId: consumerId2 }, ["NOT_FOUND", "FORBIDDEN"]],
      [h1, "setConsumerPreferredLayers", { consumerId: consumerId2, spatialLayer: 0 }, ["NOT_FOUND", "FORBIDDEN"]],
      [h2, "produce", { transportId: recv2.id, kind: "video", rtpParameters: VP8_RTP, source: "camera" }, ["BAD_REQUEST", "FORBIDDEN", "NOT_FOUND", "UNSUPPORTED"]],
      [h1, "join", { roomId: roomA.roomId, token: tokenA, displayName: "Eve", rtpCapabilities: caps1 }, ["ALREADY_JOINED"]],
      [h1, "getRouterRtpCapabilities", { roomId: roomB.roomId, token: tokenB }, ["BAD_REQUEST", "FORBIDDEN"]],
      [h1, "resumeConsumer", { consumerId: "no-such-consumer" }, ["NOT_FOUND"]],
      [h1, "closeProducer", { producerId: "no-such-producer" }, ["NOT_FOUND"]],
      [h1, "connectTransport", { transportId: "no-such-transport", dtlsParameters: DTLS }, ["NOT_FOUND"]],
      // same SSRC twice / unknown codec / kind mismatch: mediasoup refuses, a clear code comes back
      [h1, "produce", { transportId: send1.id, kind: "video", rtpParameters: VP8_RTP, source: "camera" }, ["BAD_REQUEST", "UNSUPPORTED"]],
      [h1, "produce", { transportId: send1.id, kind: "video", rtpParameters: { ...VP8_RTP, encodings: [{ ssrc: 5 }], codecs: [{ mimeType: "video/NOPE", payloadType: 100, clockRate: 90000 }] }, source: "screen" }, ["BAD_REQUEST", "UNSUPPORTED"]],
      [h1, "produce", { transportId: send1.id, kind: "audio", rtpParameters: { ...VP8_RTP, encodings: [{ ssrc: 6 }] }, source: "mic" }, ["BAD_REQUEST", "UNSUPPORTED"]],
    ];
    const joinedProblems: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (const [c, method, data, codes] of foreign) {
        const r = await c.request(method, data);
        sent++;
        const code = r.ok ? "ok" : r.error!.code;
        tally([code]);
        if (r.ok || !codes.includes(code)) joinedProblems.push(`${method} ${JSON.stringify(data).slice(0, 80)}: expected ${codes.join("|")}, got ${JSON.stringify(r)}`);
      }
    }
    problems.push(...new Set(joinedProblems));
    // the producer survived the other peer's attempts
    expect((await h1.request("pauseProducer", { producerId })).ok, "owner can still pause its producer").toBe(true);
    expect(h1.open && h2.open).toBe(true);

    // invalid UTF-8 in a text frame: ws refuses it at the framing layer (1007) or we say 1008
    {
      const c = await RawSignalingClient.connect();
      c.sendRaw(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), false);
      sent++;
      const info = await c.waitFor(() => c.closeInfo ?? c.replies[0], 5000, "invalid utf-8 outcome").catch(() => null);
      if (!info || ("code" in info && ![1007, 1008].includes(info.code as number)) || ("ok" in info && info.ok))
        problems.push(`invalid UTF-8 text frame: ${JSON.stringify(info)}`);
    }
    console.log(`hostile frames sent: ${sent}; reply codes: ${JSON.stringify(allCodes)}`);
    expect(problems, "hostile frames not handled as specified").toEqual([]);
    expect(s1.invalidFrames.concat(h1.invalidFrames, h2.invalidFrames), "frames that are neither replies nor notifications").toEqual([]);

    // --- the server is alive, and after the hostile sockets go, nothing is leaked
    for (const c of [s1, h1, h2]) await c.close();
    await waitForStats(
      request,
      (s) => s.peers === baseline.peers && s.transports === baseline.transports && s.producers === baseline.producers && s.consumers === baseline.consumers,
      { message: `hostile sockets closed, back to ${JSON.stringify(baseline)}`, timeout: 10_000 },
    );

    // --- a normal join works
    const ok = await RawSignalingClient.connect();
    const token = await guestJoinToken(request, roomA.roomId, roomA.inviteToken, "Nora");
    const { routerRtpCapabilities } = await ok.call("getRouterRtpCapabilities", { roomId: roomA.roomId, token });
    expect(routerRtpCapabilities.codecs.length).toBeGreaterThan(0);
    const joined = await ok.call("join", { roomId: roomA.roomId, token, displayName: "Nora", rtpCapabilities: routerRtpCapabilities });
    expect(joined.peerId).toBeTruthy();
    expect(joined.peers).toEqual([]);
    const [t1, t2] = await Promise.all([ok.call("createTransport", { direction: "send" }), ok.call("createTransport", { direction: "recv" })]);
    expect(t1.iceCandidates.length).toBeGreaterThan(0);
    expect(t2.id).not.toBe(t1.id);
    await waitForStats(request, (s) => s.peers === baseline.peers + 1 && s.transports === baseline.transports + 2);
    expect((await ok.request("leave", {})).ok).toBe(true);
    await ok.close();
    await waitForStats(request, (s) => s.peers === baseline.peers && s.transports === baseline.transports, { message: "after normal leave" });
  });
});

test.describe("socket hygiene (production server)", () => {
  test("a socket that never shows a join token is closed within 10 s (4001)", async () => {
    const silent = await RawSignalingClient.connect();
    const t0 = Date.now();
    const closed = await silent.waitForClose(12_000);
    expect(closed.code).toBe(CLOSE_CODES.authTimeout);
    expect(Date.now() - t0).toBeLessThanOrEqual(10_500);
  });

  test("an upgrade from a foreign Origin is refused (403); the site's own is accepted", async () => {
    const status = (origin: string) =>
      new Promise<number | "open">((resolve) => {
        const ws = new WebSocket(wsUrl(), { headers: { Origin: origin } });
        ws.once("open", () => {
          ws.close();
          resolve("open");
        });
        ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        ws.once("error", () => undefined);
      });
    expect(await status("https://evil.example")).toBe(403);
    expect(await status(new URL(baseUrl()).origin)).toBe("open");
  });
});
