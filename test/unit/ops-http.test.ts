// /healthz, /readyz and /metrics of the custom server: real HTTP on loopback; the
// non-loopback cases (who may read metrics) drive the handler with a request from another
// address (a stand-in request object: the only way to get a foreign address in a unit test).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { MeetMetrics } from "@/server/metrics";
import { createOpsHandler, type NodeLifecycle } from "@/server/ops/ops-http";

let lifecycle: NodeLifecycle = "starting";
let dbDown = false;
let redisHangs = false;
const m = new MeetMetrics();
m.bindSfu({
  counts: () => ({ rooms: 2, joinedPeers: 5, peers: 6, transports: 12, producers: 9, consumers: 20 }),
  connections: () => 6,
  workers: () => [
    { index: 0, pid: 1, getResourceUsage: async () => ({ ru_utime: 1500, ru_stime: 500, ru_maxrss: 1000 }) },
    { index: 1, pid: 2, getResourceUsage: async () => Promise.reject(new Error("worker died")) },
  ],
});
m.bindNode("node-x", () => lifecycle);
const TOKEN = "metrics-token-0123456789";
const ops = createOpsHandler({
  nodeId: "node-x",
  lifecycle: () => lifecycle,
  metrics: m,
  metricsToken: TOKEN,
  checkTimeoutMs: 300,
  checks: {
    workers: async () => {},
    database: async () => {
      if (dbDown) throw new Error("connection refused");
    },
    redis: () => (redisHangs ? new Promise<void>(() => {}) : Promise.resolve()),
  },
});

let server: http.Server;
let base: string;

before(async () => {
  server = http.createServer((req, res) => {
    if (!ops.handle(req, res)) {
      res.statusCode = 404;
      res.end("next");
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

/** Calls the handler as a client at `address` would. */
function fromAddress(address: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve) => {
    let status = 0;
    const req = { url: path, method: "GET", headers, socket: { remoteAddress: address } } as unknown as http.IncomingMessage;
    const res = {
      writeHead(s: number) {
        status = s;
        return this;
      },
      end(body?: string) {
        resolve({ status, body: body ?? "" });
      },
    } as unknown as http.ServerResponse;
    assert.equal(ops.handle(req, res), true);
  });
}

describe("ops endpoints", () => {
  test("other paths are left to Next", async () => {
    const r = await fetch(`${base}/meetings`);
    assert.equal(await r.text(), "next");
  });

  test("/healthz answers while the process lives, whatever its state", async () => {
    lifecycle = "starting";
    const r = await fetch(`${base}/healthz`);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { status: "ok", node: "node-x" });
    const post = await fetch(`${base}/healthz`, { method: "POST" });
    assert.equal(post.status, 405);
  });

  test("/readyz: 503 while starting, when a check fails or hangs, and when draining", async () => {
    lifecycle = "starting";
    let r = await fetch(`${base}/readyz`);
    assert.equal(r.status, 503);
    assert.equal((await r.json()).state, "starting");

    lifecycle = "ready";
    r = await fetch(`${base}/readyz`);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), {
      ready: true,
      node: "node-x",
      state: "ready",
      checks: { workers: { ok: true }, database: { ok: true }, redis: { ok: true } },
    });

    dbDown = true;
    redisHangs = true;
    r = await fetch(`${base}/readyz`);
    assert.equal(r.status, 503);
    const body = await r.json();
    assert.deepEqual(body.checks.database, { ok: false, error: "connection refused" });
    assert.deepEqual(body.checks.redis, { ok: false, error: "redis: no answer in 300 ms" });
    dbDown = false;
    redisHangs = false;

    lifecycle = "draining";
    r = await fetch(`${base}/readyz`);
    assert.equal(r.status, 503);
    assert.equal((await r.json()).state, "draining");
    lifecycle = "ready";
  });

  test("/readyz from elsewhere: status only, no error details", async () => {
    dbDown = true;
    const r = await fromAddress("198.18.7.9", "/readyz");
    dbDown = false;
    assert.equal(r.status, 503);
    assert.deepEqual(JSON.parse(r.body).checks.database, { ok: false });
  });

  test("/metrics on loopback: Prometheus text with the SFU figures and process metrics", async () => {
    const r = await fetch(`${base}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const text = await r.text();
    for (const line of [
      "meet_rooms 2",
      "meet_peers 5",
      "meet_consumers 20",
      "meet_producers 9",
      "meet_signaling_connections 6",
      'meet_mediasoup_worker_cpu_seconds_total{worker="0"} 2',
      'meet_node_info{node="node-x",state="ready"} 1',
      "meet_joins_total 0",
    ]) {
      assert.ok(text.split("\n").includes(line), `missing "${line}"`);
    }
    assert.ok(!text.includes('worker="1"'), "a worker that died mid-scrape is left out");
    assert.match(text, /^process_cpu_seconds_total \d/m);
  });

  test("counters the signaling increments show up", async () => {
    m.joinErrors.inc({ code: "ROOM_FULL" });
    m.resumes.inc();
    m.resumes.inc();
    const text = await (await fetch(`${base}/metrics`)).text();
    assert.ok(text.includes('meet_join_errors_total{code="ROOM_FULL"} 1'));
    assert.ok(text.includes("meet_resumes_total 2"));
  });

  test("/metrics from elsewhere needs the bearer token", async () => {
    assert.equal((await fromAddress("198.18.7.9", "/metrics")).status, 401);
    assert.equal((await fromAddress("198.18.7.9", "/metrics", { authorization: "Bearer wrong-token-0123456789" })).status, 401);
    const ok = await fromAddress("198.18.7.9", "/metrics", { authorization: `Bearer ${TOKEN}` });
    assert.equal(ok.status, 200);
    assert.match(ok.body, /^meet_rooms 2$/m);
  });

  test("without METRICS_TOKEN, /metrics is loopback only (403)", async () => {
    const loopbackOnly = createOpsHandler({ nodeId: "n", lifecycle: () => "ready", metrics: m, checks: {} });
    const status = await new Promise<number>((resolve) => {
      const req = { url: "/metrics", method: "GET", headers: { authorization: `Bearer ${TOKEN}` }, socket: { remoteAddress: "198.18.7.9" } };
      const res = { writeHead: (s: number) => resolve(s), end() {} };
      loopbackOnly.handle(req as unknown as http.IncomingMessage, res as unknown as http.ServerResponse);
    });
    assert.equal(status, 403);
  });
});
