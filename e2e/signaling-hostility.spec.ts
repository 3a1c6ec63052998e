// Issue 2, signaling hostility — against the real production server over real sockets (no
// browser): > 1000 malformed / hostile frames (bad JSON, wrong envelopes and types, unknown
// methods, calls out of order, bad tokens, binary, foreign objects after join, oversized
// frames, a flood), each must get a clear error reply (or, for oversized frames and
// floods, a close with 1008); the server stays up, leaks nothing, and a normal join works.
import { expect, test } from "@playwright/test";
import WebSocket from "ws";
import { signJoinToken } from "../lib/auth/join-token";
import { MAX_FRAME_BYTES } from "../lib/signaling/protocol";
import { baseUrl, guestJoinToken, RawSignalingClient, sfuStats, waitForStats, wsUrl } from "./fixtures/app";
import { createMeetingRoom, type MeetingRoom } from "./fixtures/room";
import { TEST_NEXTAUTH_SECRET } from "./fixtures/server-env";

type Hostile = { frame: string | Buffer; binary?: boolean; replyId: number | null; codes: string[]; what: string };

let nextId = 100_000;
const idOf = () => nextId++;
const junk = (n: number, seed: number) => {
  let x = seed * 9301 + 49297;
  let s = "";
  for (let i = 0; i < n; i++) {
    x = (x * 9301 + 49297) % 233280;
    s += String.fromCharCode(32 + (x % 95));
  }
  return s;
};

const VP8_RTP = {
  mid: "0",
  codecs: [{ mimeType: "video/VP8", payloadType: 101, clockRate: 90000, rtcpFeedback: [] }],
  headerExtensions: [],
  encodings: [{ ssrc: 11112222 }],
  rtcp: { cname: "hostile" },
};
const DTLS = { role: "client", fingerprints: [{ algorithm: "sha-256", value: "AB:CD" }] };

/** Frames a socket that has NOT joined gets; every one must be refused with `codes`. */
function preJoinFrames(roomId: string, validToken: string, foreignToken: string, forged: string[]): Hostile[][] {
  const batches: Hostile[][] = [];
  const batch = (items: Hostile[]) => batches.push(items);

  // 1. not JSON at all (reply id null)
  const badJson = [
    "{", "}", "{\"id\":1,", "nul", "undefined", "NaN", "'single'", "{id:1}", "{\"id\":1,\"method\":\"join\"", "[",
    "\u0000", "\ud800", "{\"a\":}", "01", "--", "{\"id\":1}}", "tru", "\"unterminated", "{,}", " ",
  ];
  const bj: Hostile[] = [];
  for (let i = 0; i < 200; i++) {
    const f = i < badJson.length ? badJson[i] : i % 2 ? junk(1 + (i % 300), i).replace(/^[\[{"\d\-tfn ]/, "x") : `{"id":${i},"method":"join","data":{` + junk(i % 50, i);
    bj.push({ frame: f, replyId: null, codes: ["BAD_JSON"], what: `bad json #${i}` });
  }
  for (let i = 0; i < bj.length; i += 50) batch(bj.slice(i, i + 50));

  // 2. JSON, but not a valid envelope
  const noIdEnvelopes: unknown[] = [
    null, 123, "str", [], [1, 2], true, false, {}, { method: "join" }, { id: -1, method: "join" }, { id: 1.5, method: "join" },
    { id: {}, method: "join" }, { id: [], method: "join" }, { id: "x".repeat(65), method: "join" }, { id: null, method: "join" },
    { id: "", method: "join" }, { id: true, method: "join" },
  ];
  const env: Hostile[] = [];
  for (let i = 0; i < 100; i++) {
    const v = noIdEnvelopes[i % noIdEnvelopes.length];
    env.push({ frame: JSON.stringify(v), replyId: null, codes: ["BAD_REQUEST"], what: `envelope w/o valid id ${JSON.stringify(v)}` });
  }
  const withIdBad = [(id: number) => ({ id, method: 5 }), (id: number) => ({ id, method: null }), (id: number) => ({ id }),
    (id: number) => ({ id, method: "x".repeat(65) }), (id: number) => ({ id, method: ["join"] }), (id: number) => ({ id, method: { join: 1 } })];
  for (let i = 0; i < 60; i++) {
    const id = idOf();
    env.push({ frame: JSON.stringify(withIdBad[i % withIdBad.length](id)), replyId: id, codes: ["BAD_REQUEST"], what: "bad method type" });
  }
  for (let i = 0; i < env.length; i += 40) batch(env.slice(i, i + 40));

  // 3. unknown methods (prototype names included)
  const unknown = ["foo", "JOIN", "Join", " join", "join ", "__proto__", "constructor", "toString", "hasOwnProperty", "valueOf",
    "isPrototypeOf", "__defineGetter__", "", "consume", "createWebRtcTransport", "produceData", "close", "eval", "../join", "join\u0000"];
  const um: Hostile[] = [];
  for (let i = 0; i < 150; i++) {
    const id = idOf();
    const method = i < unknown.length ? unknown[i] : `m_${junk(1 + (i % 40), i).replace(/["\\]/g, "")}`;
    um.push({ frame: JSON.stringify({ id, method, data: { roomId } }), replyId: id, codes: ["UNKNOWN_METHOD"], what: `unknown ${method}` });
  }
  // __proto__ as a key of the envelope itself
  for (let i = 0; i < 10; i++) {
    const id = idOf();
    um.push({ frame: `{"id":${id},"method":"__proto__","__proto__":{"admin":true},"data":{"__proto__":{"x":1}}}`, replyId: id, codes: ["UNKNOWN_METHOD"], what: "__proto__ envelope" });
  }
  for (let i = 0; i < um.length; i += 40) batch(um.slice(i, i + 40));

  // 4. known methods, wrong shapes / types
  const caps = { codecs: [{ kind: "audio", mimeType: "audio/opus", clockRate: 48000 }] };
  const goodJoin = { roomId, token: validToken, displayName: "Eve", rtpCapabilities: caps };
  const badData: [string, unknown][] = [
    ["join", null], ["join", "str"], ["join", [goodJoin]], ["join", 42], ["join", { ...goodJoin, roomId: 5 }],
    ["join", { ...goodJoin, roomId: "../../etc/passwd" }], ["join", { ...goodJoin, roomId: "a".repeat(65) }], ["join", { ...goodJoin, roomId: "" }],
    ["join", { ...goodJoin, displayName: "" }], ["join", { ...goodJoin, displayName: "   " }], ["join", { ...goodJoin, displayName: "n".repeat(65) }],
    ["join", { ...goodJoin, displayName: { first: "x" } }], ["join", { ...goodJoin, token: 5 }], ["join", { ...goodJoin, token: "abc" }],
    ["join", { ...goodJoin, token: "t".repeat(5000) }], ["join", { ...goodJoin, rtpCapabilities: "x" }], ["join", { ...goodJoin, rtpCapabilities: { codecs: "x" } }],
    ["join", { ...goodJoin, rtpCapabilities: { codecs: Array.from({ length: 65 }, () => caps.codecs[0]) } }],
    ["join", { ...goodJoin, rtpCapabilities: { codecs: [{ kind: "text", mimeType: "x", clockRate: 1 }] } }],
    ["join", { ...goodJoin, rtpCapabilities: { codecs: [{ kind: "audio", mimeType: "audio/opus", clockRate: -5 }] } }],
    ["getRouterRtpCapabilities", {}], ["getRouterRtpCapabilities", { roomId }], ["getRouterRtpCapabilities", { roomId: 1, token: validToken }],
    ["createTransport", { direction: "sideways" }], ["createTransport", { direction: 1 }], ["createTransport", null],
    ["connectTransport", { transportId: "t", dtlsParameters: { fingerprints: [] } }], ["connectTransport", { transportId: "", dtlsParameters: DTLS }],
    ["connectTransport", { transportId: "t", dtlsParameters: { role: "boss", fingerprints: DTLS.fingerprints } }],
    ["produce", { transportId: "t", kind: "text", rtpParameters: VP8_RTP, source: "camera" }],
    ["produce", { transportId: "t", kind: "video", rtpParameters: VP8_RTP, source: "desktop" }],
    ["produce", { transportId: "t", kind: "video", rtpParameters: { codecs: [] }, source: "camera" }],
    ["produce", { transportId: "t", kind: "video", rtpParameters: { codecs: [{ mimeType: "video/VP8", payloadType: 300, clockRate: 90000 }] }, source: "camera" }],
    ["produce", { transportId: "t", kind: "video", rtpParameters: VP8_RTP, source: "camera", paused: "yes" }],
    ["closeProducer", { producerId: 7 }], ["pauseProducer", {}], ["resumeProducer", { producerId: "x".repeat(129) }],
    ["resumeConsumer", { consumerId: null }], ["setConsumerPreferredLayers", { consumerId: "c", spatialLayer: 9 }],
    ["setConsumerPreferredLayers", { consumerId: "c", spatialLayer: -1 }], ["setConsumerPreferredLayers", { consumerId: "c", spatialLayer: 1.5 }],
    ["setConsumerPreferredLayers", { consumerId: "c", spatialLayer: 0, temporalLayer: "0" }], ["restartIce", { transportId: 1 }], ["leave", "now"],
  ];
  const wd: Hostile[] = [];
  for (let i = 0; i < 220; i++) {
    const [method, data] = badData[i % badData.length];
    const id = idOf();
    wd.push({ frame: JSON.stringify({ id, method, data }), replyId: id, codes: ["BAD_REQUEST"], what: `${method} bad data #${i % badData.length}` });
  }
  for (let i = 0; i < wd.length; i += 40) batch(wd.slice(i, i + 40));

  // 5. calls out of order: valid shapes, but nothing joined yet
  const ooo: [string, unknown][] = [
    ["createTransport", { direction: "send" }], ["createTransport", { direction: "recv" }],
    ["connectTransport", { transportId: "t1", dtlsParameters: DTLS }],
    ["produce", { transportId: "t1", kind: "video", rtpParameters: VP8_RTP, source: "camera" }],
    ["closeProducer", { producerId: "p1" }], ["pauseProducer", { producerId: "p1" }], ["resumeProducer", { producerId: "p1" }],
    ["resumeConsumer", { consumerId: "c1" }], ["setConsumerPreferredLayers", { consumerId: "c1", spatialLayer: 1 }],
    ["restartIce", { transportId: "t1" }],
  ];
  const oo: Hostile[] = [];
  for (let i = 0; i < 150; i++) {
    const [method, data] = ooo[i % ooo.length];
    const id = idOf();
    oo.push({ frame: JSON.stringify({ id, method, data }), replyId: id, codes: ["NOT_JOINED"], what: `${method} before join` });
  }
  for (let i = 0; i < oo.length; i += 40) batch(oo.slice(i, i + 40));

  // 6. tokens: garbage, another room's, forged (wrong secret / alg none / expired)
  const garbage = ["x".repeat(20), "eyJhbGciOiJIUzI1NiJ9.e30.AAAA", "a.b.c.d.e.f.g.h.i.j", validToken.slice(0, -4) + "AAAA", validToken + "x"];
  const tk: Hostile[] = [];
  for (let i = 0; i < 100; i++) {
    const id = idOf();
    const method = i % 2 ? "join" : "getRouterRtpCapabilities";
    let token: string;
    let codes: string[];
    if (i % 4 === 0) [token, codes] = [foreignToken, ["FORBIDDEN"]];
    else if (i % 4 === 1 && forged.length) [token, codes] = [forged[i % forged.length], ["UNAUTHORIZED"]];
    else [token, codes] = [garbage[i % garbage.length], ["UNAUTHORIZED"]];
    const data = method === "join" ? { roomId, token, displayName: "Mallory", rtpCapabilities: caps } : { roomId, token };
    tk.push({ frame: JSON.stringify({ id, method, data }), replyId: id, codes, what: `${method} with bad token #${i % 4}` });
  }
  for (let i = 0; i < tk.length; i += 40) batch(tk.slice(i, i + 40));

  // 7. binary frames (reply id null)
  const bin: Hostile[] = [];
  for (let i = 0; i < 60; i++) {
    const frame = i % 3 === 0 ? Buffer.from(JSON.stringify({ id: 1, method: "join", data: goodJoin })) : Buffer.from(junk(1 + i * 7, i + 1000), "latin1");
    bin.push({ frame, binary: true, replyId: null, codes: ["BAD_REQUEST"], what: `binary #${i}` });
  }
  for (let i = 0; i < bin.length; i += 30) batch(bin.slice(i, i + 30));
  return batches;
}

/** Sends one batch, waits for one reply per frame, checks each reply. Returns codes seen. */
async function sendBatch(c: RawSignalingClient, items: Hostile[], problems: string[]): Promise<string[]> {
  const start = c.replies.length;
  for (const h of items) c.sendRaw(h.frame, h.binary ?? false);
  await c
    .waitFor(() => c.replies.length - start >= items.length || c.closeInfo, 10_000, `${items.length} replies`)
    .catch(() => {});
  if (c.closeInfo) {
    problems.push(`socket closed (${c.closeInfo.code} ${c.closeInfo.reason}) during batch "${items[0].what}"`);
    return [];
  }
  const got = c.replies.slice(start);
  if (got.length !== items.length) problems.push(`batch "${items[0].what}": ${got.length} replies for ${items.length} frames`);
  const codes: string[] = [];
  const nullItems = items.filter((h) => h.replyId === null);
  const nullCodes = new Set(nullItems.flatMap((h) => h.codes));
  const nullReplies = got.filter((r) => r.id === null);
  if (nullReplies.length !== nullItems.length)
    problems.push(`batch "${items[0].what}": ${nullReplies.length} id-less replies for ${nullItems.length} id-less frames`);
  for (const r of nullReplies) {
    codes.push(r.error?.code ?? "ok");
    if (r.ok || !nullCodes.has(r.error!.code)) problems.push(`id-less frame (${items[0].what}...) -> ${JSON.stringify(r)}`);
  }
  for (const h of items) {
    if (h.replyId === null) continue;
    const r = got.find((x) => x.id === h.replyId);
    if (!r) {
      problems.push(`${h.what}: no reply`);
      continue;
    }
    codes.push(r.error?.code ?? "ok");
    if (r.ok || !h.codes.includes(r.error!.code)) problems.push(`${h.what}: expected ${h.codes.join("|")}, got ${JSON.stringify(r)}`);
  }
  return codes;
}

test.describe("signaling hostility", () => {
  let roomA: MeetingRoom;
  let roomB: MeetingRoom;

  test.beforeAll(async ({ browser }) => {
    roomA = await createMeetingRoom(browser, baseUrl(), "HostileA");
    roomB = await createMeetingRoom(browser, baseUrl(), "HostileB");
  });

  test(">= 1000 malformed / hostile frames get clear errors; the server survives; a normal join still works", async ({ request }) => {
    test.setTimeout(120_000);
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

    // --- pre-join hostility on one socket, paced under the server's flood limit
    const s1 = await RawSignalingClient.connect();
    for (const b of preJoinFrames(roomA.roomId, tokenA, tokenB, forged)) {
      tally(await sendBatch(s1, b, problems));
      sent += b.length;
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(s1.open, "pre-join socket still open").toBe(true);

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
      // same producer id twice / garbage codecs: mediasoup itself refuses
      [h1, "produce", { transportId: send1.id, kind: "video", rtpParameters: VP8_RTP, source: "camera" }, ["BAD_REQUEST", "UNSUPPORTED", "INTERNAL"]],
      [h1, "produce", { transportId: send1.id, kind: "video", rtpParameters: { ...VP8_RTP, encodings: [{ ssrc: 5 }], codecs: [{ mimeType: "video/NOPE", payloadType: 100, clockRate: 90000 }] }, source: "screen" }, ["BAD_REQUEST", "UNSUPPORTED", "INTERNAL"]],
      [h1, "produce", { transportId: send1.id, kind: "audio", rtpParameters: { ...VP8_RTP, encodings: [{ ssrc: 6 }] }, source: "mic" }, ["BAD_REQUEST", "UNSUPPORTED", "INTERNAL"]],
    ];
    const joinedProblems: string[] = [];
    for (let round = 0; round < 8; round++) {
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

    // --- oversized frames: close 1008; exactly MAX_FRAME_BYTES is still accepted
    const oversized: [string | Buffer, boolean][] = [
      ["x".repeat(MAX_FRAME_BYTES + 1), false],
      [JSON.stringify({ id: 1, method: "join", data: { roomId: roomA.roomId, token: tokenA, displayName: "Big", rtpCapabilities: { codecs: [], pad: "p".repeat(70_000) } } }), false],
      ["y".repeat(1024 * 1024), false],
      [Buffer.alloc(200 * 1024, 7), true],
      ["[".repeat(MAX_FRAME_BYTES + 10), false],
    ];
    for (const [frame, binary] of oversized) {
      const c = await RawSignalingClient.connect();
      c.sendRaw(frame, binary);
      sent++;
      const info = await c.waitForClose(5000).catch(() => null);
      if (!info || info.code !== 1008) problems.push(`oversized ${frame.length} B ${binary ? "binary" : "text"}: close ${JSON.stringify(info)} (expected 1008)`);
    }
    {
      const c = await RawSignalingClient.connect();
      c.sendRaw("[".repeat(MAX_FRAME_BYTES)); // deep nesting, exactly at the limit
      sent++;
      const r = await c.waitFor(() => c.replies[0] ?? c.closeInfo, 5000, "reply to a 64 KiB frame").catch(() => null);
      if (!r || !("ok" in r) || r.ok) problems.push(`64 KiB frame: expected an error reply, got ${JSON.stringify(r)}`);
      else tally([r.error!.code]);
      await c.close();
    }
    // invalid UTF-8 in a text frame: ws refuses it at the framing layer (1007) or we say 1008
    {
      const c = await RawSignalingClient.connect();
      c.sendRaw(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), false);
      sent++;
      const info = await c.waitFor(() => c.closeInfo ?? c.replies[0], 5000, "invalid utf-8 outcome").catch(() => null);
      if (!info || ("code" in info && ![1007, 1008].includes(info.code as number)) || ("ok" in info && info.ok))
        problems.push(`invalid UTF-8 text frame: ${JSON.stringify(info)}`);
    }
    // a flood: 600 frames at once -> the server cuts it off with 1008 instead of queueing forever
    {
      const c = await RawSignalingClient.connect();
      for (let i = 0; i < 600; i++) c.sendRaw(JSON.stringify({ id: i + 1, method: "createTransport", data: { direction: "send" } }));
      sent += 600;
      const info = await c.waitForClose(10_000).catch(() => null);
      if (!info || info.code !== 1008) problems.push(`flood: close ${JSON.stringify(info)} (expected 1008)`);
      for (const r of c.replies) if (r.ok) problems.push(`flood: ok reply ${JSON.stringify(r)}`);
    }

    console.log(`hostile frames sent: ${sent}; reply codes: ${JSON.stringify(allCodes)}`);
    expect(sent).toBeGreaterThanOrEqual(1000);
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
