// The client's liveness check (lib/client/signaling-client.ts) on a fake WebSocket and mocked
// clocks: a silent server is declared dead at the timeout (within one check interval, not a
// ping interval late), answered pings keep the socket, and a page that was frozen longer
// than the timeout is not judged on the tick that wakes it (livenessVerdict, pure).
import { afterEach, beforeEach, mock, test } from "node:test";
import assert from "node:assert/strict";
import { CLIENT_LIVENESS_TIMEOUT_MS, CLOSE_CODES, PING_INTERVAL_MS } from "../../lib/signaling/protocol";
import { LIVENESS_CHECK_MS, SignalingClient, livenessVerdict, type CloseInfo } from "../../lib/client/signaling-client";

class FakeSocket {
  static last: FakeSocket | null = null;
  static readonly CLOSING = 2;
  readyState = 0;
  sent: { id: number; method: string }[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: string; timeStamp: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.last = this;
  }
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  /** Answers every ping sent so far that has no answer yet. */
  answerPings(answered: Set<number>) {
    for (const m of this.sent) {
      if (m.method !== "ping" || answered.has(m.id)) continue;
      answered.add(m.id);
      this.onmessage?.({ data: JSON.stringify({ id: m.id, ok: true, data: {} }), timeStamp: 0 });
    }
  }
  get pings() {
    return this.sent.filter((m) => m.method === "ping").length;
  }
}

const realWebSocket = globalThis.WebSocket;

beforeEach(() => {
  (globalThis as { WebSocket: unknown }).WebSocket = FakeSocket;
  mock.timers.enable({ apis: ["setInterval", "setTimeout", "Date"], now: 1_000_000 });
});

afterEach(() => {
  mock.timers.reset();
  (globalThis as { WebSocket: unknown }).WebSocket = realWebSocket;
});

async function openClient(): Promise<{ client: SignalingClient; ws: FakeSocket; closes: CloseInfo[] }> {
  const client = new SignalingClient("ws://test/ws");
  const closes: CloseInfo[] = [];
  client.onClose((info) => closes.push(info));
  const connected = client.connect();
  const ws = FakeSocket.last!;
  ws.open();
  await connected;
  client.startLiveness();
  return { client, ws, closes };
}

test("a server that stops answering is declared dead at the timeout, within one check interval", async () => {
  const { ws, closes } = await openClient();
  const answered = new Set<number>();
  // two seconds of answered pings
  for (let t = 0; t < 2_000; t += LIVENESS_CHECK_MS) {
    mock.timers.tick(LIVENESS_CHECK_MS);
    ws.answerPings(answered);
  }
  assert.equal(closes.length, 0);
  assert.ok(ws.pings >= 2_000 / PING_INTERVAL_MS - 1, `pings every ${PING_INTERVAL_MS} ms (${ws.pings})`);
  const silentFrom = Date.now();
  while (closes.length === 0 && Date.now() - silentFrom < 5_000) mock.timers.tick(LIVENESS_CHECK_MS);
  const detectedAfter = Date.now() - silentFrom;
  assert.equal(closes[0]?.code, CLOSE_CODES.livenessTimeout);
  assert.ok(
    detectedAfter > CLIENT_LIVENESS_TIMEOUT_MS - PING_INTERVAL_MS && detectedAfter <= CLIENT_LIVENESS_TIMEOUT_MS + LIVENESS_CHECK_MS,
    `dead ${detectedAfter} ms after the last answer`,
  );
});

test("answered pings keep the socket for as long as they come", async () => {
  const { ws, closes, client } = await openClient();
  const answered = new Set<number>();
  for (let t = 0; t < 20_000; t += LIVENESS_CHECK_MS) {
    mock.timers.tick(LIVENESS_CHECK_MS);
    ws.answerPings(answered);
  }
  assert.equal(closes.length, 0);
  assert.equal(client.state, "open");
});

test("a tick that comes after the page was frozen judges nothing; the next one does", () => {
  const t = 1_000_000;
  const timeout = CLIENT_LIVENESS_TIMEOUT_MS;
  assert.equal(livenessVerdict(t, t - LIVENESS_CHECK_MS, t - timeout - 1), "dead");
  assert.equal(livenessVerdict(t, t - LIVENESS_CHECK_MS, t - timeout), "alive");
  // frozen for 3 s: the last frame is old, but the answers may be queued behind this tick
  assert.equal(livenessVerdict(t, t - 3_000, t - 3_000), "alive");
  // the next tick, with nothing delivered meanwhile, is judged
  assert.equal(livenessVerdict(t + LIVENESS_CHECK_MS, t, t - 3_000), "dead");
  // a background tab's throttled timer (once a second) is not a freeze
  assert.equal(livenessVerdict(t, t - 1_000, t - timeout - 1), "dead");
});
