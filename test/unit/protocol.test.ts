import { test } from "node:test";
import assert from "node:assert/strict";
import {
  encodeError,
  encodeNotification,
  encodeReply,
  MAX_FRAME_BYTES,
  notificationEnvelopeSchema,
  notificationSchemas,
  parseRequest,
  replySchema,
  requestSchemas,
  responseSchemas,
} from "../../lib/signaling/protocol";

const token = "x".repeat(40);
const rtpCapabilities = { codecs: [{ kind: "audio", mimeType: "audio/opus", clockRate: 48000, channels: 2 }] };
const dtlsParameters = { role: "client", fingerprints: [{ algorithm: "sha-256", value: "AB:CD" }] };
const rtpParameters = { codecs: [{ mimeType: "audio/opus", payloadType: 111, clockRate: 48000 }], encodings: [{ ssrc: 1 }] };

const valid: Array<[string, unknown]> = [
  ["getRouterRtpCapabilities", { roomId: "room-1", token }],
  ["join", { roomId: "room_1", token, displayName: "  Ada  ", rtpCapabilities }],
  ["createTransport", { direction: "send" }],
  ["createTransport", { direction: "recv" }],
  ["connectTransport", { transportId: "t1", dtlsParameters }],
  ["produce", { transportId: "t1", kind: "audio", rtpParameters, source: "mic" }],
  ["produce", { transportId: "t1", kind: "video", rtpParameters, source: "camera", paused: true }],
  ["closeProducer", { producerId: "p" }],
  ["pauseProducer", { producerId: "p" }],
  ["resumeProducer", { producerId: "p" }],
  ["resumeConsumer", { consumerId: "c" }],
  ["setConsumerPreferredLayers", { consumerId: "c", spatialLayer: 1 }],
  ["setConsumerPreferredLayers", { consumerId: "c", spatialLayer: 2, temporalLayer: 0 }],
  ["restartIce", { transportId: "t" }],
  ["leave", {}],
];

test("every method has a request and a response schema", () => {
  assert.deepEqual(Object.keys(requestSchemas).sort(), Object.keys(responseSchemas).sort());
});

test("valid requests parse (numeric and string ids)", () => {
  let n = 0;
  for (const [method, data] of valid) {
    for (const id of [n++, `req-${n}`]) {
      const r = parseRequest(JSON.stringify({ id, method, data }));
      assert.ok(r.ok, `${method}: ${JSON.stringify(r)}`);
      if (r.ok) {
        assert.equal(r.request.method, method);
        assert.equal(r.request.id, id);
      }
    }
  }
});

test("join trims the display name", () => {
  const r = parseRequest(JSON.stringify({ id: 1, method: "join", data: valid[1][1] }));
  assert.ok(r.ok && r.request.method === "join" && r.request.data.displayName === "Ada");
});

test("leave without data is fine", () => {
  assert.ok(parseRequest(JSON.stringify({ id: 1, method: "leave" })).ok);
});

function expectError(frame: string, code: string, id: unknown = undefined) {
  const r = parseRequest(frame);
  assert.equal(r.ok, false, `expected ${code} for ${frame.slice(0, 120)}`);
  if (!r.ok) {
    assert.equal(r.error.code, code, `${frame.slice(0, 120)} -> ${r.error.message}`);
    assert.ok(r.error.message.length > 0);
    if (id !== undefined) assert.equal(r.id, id);
  }
}

test("not JSON -> BAD_JSON with null id", () => {
  for (const f of ["", "{", "nope", "{'id':1}", "\u0000", "[1,", "{\"id\":1,}"]) expectError(f, "BAD_JSON", null);
});

test("bad envelopes -> BAD_REQUEST (id echoed when usable)", () => {
  expectError("null", "BAD_REQUEST", null);
  expectError("[]", "BAD_REQUEST", null);
  expectError("42", "BAD_REQUEST", null);
  expectError('"str"', "BAD_REQUEST", null);
  expectError("{}", "BAD_REQUEST", null);
  expectError('{"method":"join"}', "BAD_REQUEST", null);
  expectError('{"id":-1,"method":"join"}', "BAD_REQUEST", null);
  expectError('{"id":1.5,"method":"join"}', "BAD_REQUEST", null);
  expectError('{"id":"","method":"join"}', "BAD_REQUEST", null);
  expectError(`{"id":"${"a".repeat(65)}","method":"join"}`, "BAD_REQUEST", null);
  expectError('{"id":{},"method":"join"}', "BAD_REQUEST", null);
  expectError('{"id":7}', "BAD_REQUEST", 7);
  expectError('{"id":7,"method":42}', "BAD_REQUEST", 7);
  expectError(`{"id":7,"method":"${"m".repeat(65)}"}`, "BAD_REQUEST", 7);
});

test("unknown methods -> UNKNOWN_METHOD (incl. prototype keys)", () => {
  for (const m of ["nope", "toString", "__proto__", "constructor", "hasOwnProperty", "JOIN", ""]) {
    expectError(JSON.stringify({ id: 3, method: m, data: {} }), "UNKNOWN_METHOD", 3);
  }
});

test("wrong data shapes -> BAD_REQUEST naming the field", () => {
  const bad: Array<[string, unknown]> = [
    ["getRouterRtpCapabilities", {}],
    ["getRouterRtpCapabilities", { roomId: "room 1", token }],
    ["getRouterRtpCapabilities", { roomId: "", token }],
    ["getRouterRtpCapabilities", { roomId: "a".repeat(65), token }],
    ["getRouterRtpCapabilities", { roomId: "../etc", token }],
    ["getRouterRtpCapabilities", { roomId: "r", token: "short" }],
    ["getRouterRtpCapabilities", { roomId: "r", token: "x".repeat(5000) }],
    ["getRouterRtpCapabilities", { roomId: 5, token }],
    ["getRouterRtpCapabilities", "string data"],
    ["getRouterRtpCapabilities", [1, 2]],
    ["join", { roomId: "r", token, displayName: "   ", rtpCapabilities }],
    ["join", { roomId: "r", token, displayName: "x".repeat(65), rtpCapabilities }],
    ["join", { roomId: "r", token, displayName: "Ada" }],
    ["join", { roomId: "r", token, displayName: "Ada", rtpCapabilities: { codecs: "all" } }],
    ["join", { roomId: "r", token, displayName: "Ada", rtpCapabilities: { codecs: [{ kind: "text" }] } }],
    ["join", { roomId: "r", token, displayName: 7, rtpCapabilities }],
    ["createTransport", {}],
    ["createTransport", { direction: "both" }],
    ["connectTransport", { transportId: "t" }],
    ["connectTransport", { transportId: "t", dtlsParameters: { fingerprints: [] } }],
    ["connectTransport", { transportId: "", dtlsParameters }],
    ["connectTransport", { transportId: "t", dtlsParameters: { role: "boss", fingerprints: dtlsParameters.fingerprints } }],
    ["produce", { transportId: "t", kind: "audio", rtpParameters, source: "speaker" }],
    ["produce", { transportId: "t", kind: "text", rtpParameters, source: "mic" }],
    ["produce", { transportId: "t", kind: "audio", rtpParameters: { codecs: [] }, source: "mic" }],
    ["produce", { transportId: "t", kind: "audio", rtpParameters: { codecs: [{ mimeType: "a", payloadType: 300, clockRate: 1 }] }, source: "mic" }],
    ["produce", { transportId: "t", kind: "audio", rtpParameters: { ...rtpParameters, encodings: Array(9).fill({}) }, source: "mic" }],
    ["produce", { transportId: "t", kind: "audio", rtpParameters, source: "mic", paused: "no" }],
    ["closeProducer", { producerId: 1 }],
    ["pauseProducer", {}],
    ["resumeProducer", { producerId: "x".repeat(129) }],
    ["resumeConsumer", { consumerId: null }],
    ["setConsumerPreferredLayers", { consumerId: "c", spatialLayer: 4 }],
    ["setConsumerPreferredLayers", { consumerId: "c", spatialLayer: -1 }],
    ["setConsumerPreferredLayers", { consumerId: "c", spatialLayer: 1.5 }],
    ["setConsumerPreferredLayers", { consumerId: "c", spatialLayer: 1, temporalLayer: 9 }],
    ["restartIce", { transportId: {} }],
  ];
  for (const [method, data] of bad) {
    expectError(JSON.stringify({ id: "q", method, data }), "BAD_REQUEST", "q");
  }
  const r = parseRequest(JSON.stringify({ id: 1, method: "createTransport", data: { direction: "both" } }));
  assert.ok(!r.ok && r.error.message.includes("direction"));
});

test("prototype pollution attempts do not leak", () => {
  const r = parseRequest('{"id":1,"method":"createTransport","data":{"direction":"send","__proto__":{"polluted":1}}}');
  assert.ok(r.ok);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test("encoders produce frames the reply/notification schemas accept", () => {
  assert.ok(replySchema.safeParse(JSON.parse(encodeReply(1, { a: 1 }))).success);
  assert.ok(replySchema.safeParse(JSON.parse(encodeError("x", { code: "NOT_FOUND", message: "m" }))).success);
  const n = JSON.parse(encodeNotification("peerLeft", { peerId: "p" }));
  assert.ok(notificationEnvelopeSchema.safeParse(n).success);
  assert.ok(notificationSchemas.peerLeft.safeParse(n.data).success);
  assert.ok(MAX_FRAME_BYTES >= 16 * 1024);
});
