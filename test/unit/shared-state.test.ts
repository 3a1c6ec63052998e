// The shared-state contract, run against both implementations: this process's memory (the
// one-node default) and a real Redis (redis-server started here). "Two nodes" are two
// SharedState instances; with Redis they must see each other's writes.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import Redis from "ioredis";
import { createMemorySharedState } from "@/lib/shared-state/memory";
import { createRedisSharedState } from "@/lib/shared-state/redis";
import type { SharedState } from "@/lib/shared-state/shared-state";
import type { ClusterEnvelope } from "@/lib/shared-state/event-bus";
import type { NodeInfo } from "@/lib/shared-state/node-registry";
import { redisInstalled, startRedis, type RedisServer } from "./redis-server";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => Promise<boolean> | boolean, timeoutMs = 3000, what = "condition"): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function nodeInfo(id: string, extra: Partial<NodeInfo> = {}): NodeInfo {
  return { id, publicUrl: `http://${id}.test`, state: "ready", peers: 0, rooms: 0, startedAt: Date.now(), heartbeatAt: Date.now(), ...extra };
}

type Backend = {
  name: "memory" | "redis";
  /** Two nodes' views of the same state (memory: the same instance twice). */
  pair(opts?: { now?: () => number }): Promise<[SharedState, SharedState]>;
};

let redis: RedisServer | undefined;
let prefixSeq = 0;
const opened: SharedState[] = [];

const backends: Backend[] = [
  {
    name: "memory",
    async pair(opts) {
      const s = createMemorySharedState({ nodeId: "a", now: opts?.now });
      return [s, s];
    },
  },
  {
    name: "redis",
    async pair(opts) {
      const prefix = `t${++prefixSeq}:`;
      const a = await createRedisSharedState({ url: redis!.url, nodeId: "a", prefix, now: opts?.now });
      const b = await createRedisSharedState({ url: redis!.url, nodeId: "b", prefix, now: opts?.now });
      opened.push(a, b);
      return [a, b];
    },
  },
];

before(async () => {
  if (redisInstalled()) redis = await startRedis();
});
after(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await redis?.stop();
});

for (const backend of backends) {
  const skip = backend.name === "redis" && !redisInstalled() ? "redis-server is not installed (apt-get install redis-server)" : false;

  describe(`shared state: ${backend.name}`, { skip }, () => {
    test("failure limiter: 10 failures inside the window block the next try, with the right wait", async () => {
      let t = 1_000_000;
      const [a, b] = await backend.pair({ now: () => t });
      const la = a.failureLimiter("login", { maxFailures: 10, windowMs: 15 * 60_000 });
      const lb = b.failureLimiter("login", { maxFailures: 10, windowMs: 15 * 60_000 });
      for (let i = 0; i < 10; i++) {
        assert.equal((await la.check("k")).allowed, true, `attempt ${i + 1}`);
        // alternate nodes: with Redis both count into one window
        await (i % 2 ? lb : la).recordFailure("k");
        t += 1000;
      }
      const blocked = await lb.check("k");
      assert.deepEqual(blocked, { allowed: false, retryAfterMs: 15 * 60_000 - 10_000 });
      assert.equal((await la.check("other")).allowed, true);
      t += 15 * 60_000 - 10_000; // the oldest failure leaves the window
      assert.deepEqual(await la.check("k"), { allowed: true, remaining: 1 });
      await lb.reset("k");
      assert.deepEqual(await la.check("k"), { allowed: true, remaining: 10 });
    });

    test("deny-list: revoked ids are refused until their time, others are not", async () => {
      const [a, b] = await backend.pair();
      await a.deniedTokens.revoke("jti:1", Date.now() + 300);
      assert.equal(await b.deniedTokens.anyRevoked(["jti:1"]), true);
      assert.equal(await b.deniedTokens.anyRevoked(["jti:2", "mid:x"]), false);
      assert.equal(await b.deniedTokens.anyRevoked(["jti:2", "jti:1"]), true);
      // a shorter revocation never shortens a longer one
      await b.deniedTokens.revoke("jti:1", Date.now() + 50);
      await sleep(120);
      assert.equal(await a.deniedTokens.anyRevoked(["jti:1"]), true);
      await until(async () => !(await a.deniedTokens.anyRevoked(["jti:1"])), 2000, "revocation to expire");
      await a.deniedTokens.revoke("jti:past", Date.now() - 1);
      assert.equal(await a.deniedTokens.anyRevoked(["jti:past"]), false);
    });

    test("placement: concurrent claims agree on one node; move and refresh are compare-and-set", async () => {
      const [a, b] = await backend.pair();
      const [wa, wb] = await Promise.all([a.placement.claim("r1", "n1", 5000), b.placement.claim("r1", "n2", 5000)]);
      assert.equal(wa, wb, "both nodes see the same winner");
      const owner = wa;
      const other = owner === "n1" ? "n2" : "n1";
      assert.equal(await b.placement.get("r1"), owner);
      assert.equal(await a.placement.refresh("r1", other, 5000), false, "only the owner refreshes");
      assert.equal(await a.placement.refresh("r1", owner, 5000), true);
      assert.equal(await b.placement.move("r1", "somebody-else", other, 5000), owner, "move from a wrong node fails");
      assert.equal(await b.placement.move("r1", owner, other, 5000), other);
      assert.deepEqual(await a.placement.roomsOf(other), ["r1"]);
      assert.deepEqual(await a.placement.roomsOf(owner), []);
      await a.placement.release("r1", owner); // not the owner any more: no effect
      assert.equal(await b.placement.get("r1"), other);
      await a.placement.release("r1", other);
      assert.equal(await b.placement.get("r1"), null);
    });

    test("placement: expires unless refreshed; counts rooms per node", async () => {
      const [a, b] = await backend.pair();
      await a.placement.claim("x1", "n1", 150);
      await a.placement.claim("x2", "n1", 5000);
      await b.placement.claim("x3", "n2", 5000);
      assert.deepEqual(
        Object.fromEntries(await b.placement.roomCounts(["n1", "n2", "n3"])),
        { n1: 2, n2: 1, n3: 0 },
      );
      await until(async () => (await a.placement.get("x1")) === null, 2000, "placement to expire");
      assert.deepEqual((await b.placement.roomsOf("n1")).sort(), ["x2"]);
      assert.equal(await b.placement.claim("x1", "n2", 5000), "n2", "an expired room can be placed again");
    });

    test("placement: a cascaded room's edge nodes expire unless refreshed", async () => {
      const [a, b] = await backend.pair();
      await a.placement.addEdge("r", "e1", 5000);
      await b.placement.addEdge("r", "e2", 150);
      assert.deepEqual((await b.placement.edges("r")).sort(), ["e1", "e2"]);
      await until(async () => (await a.placement.edges("r")).length === 1, 2000, "edge to expire");
      assert.deepEqual(await a.placement.edges("r"), ["e1"]);
      await b.placement.removeEdge("r", "e1");
      assert.deepEqual(await a.placement.edges("r"), []);
    });

    test("node registry: heartbeats keep a node live; a silent node is dead; one node claims its death", async () => {
      const [a, b] = await backend.pair();
      await a.nodes.heartbeat(nodeInfo("n1", { peers: 3 }), 5000);
      await b.nodes.heartbeat(nodeInfo("n2"), 200);
      const live = await a.nodes.live();
      assert.deepEqual(live.map((n) => n.id).sort(), ["n1", "n2"]);
      assert.equal(live.find((n) => n.id === "n1")!.peers, 3);
      await until(async () => (await a.nodes.dead()).includes("n2"), 2000, "n2 to be dead");
      assert.deepEqual((await b.nodes.live()).map((n) => n.id), ["n1"]);
      const claims = await Promise.all([a.nodes.claimDeath("n2", "n1", 5000), b.nodes.claimDeath("n2", "n3", 5000)]);
      assert.deepEqual(claims.sort(), [false, true], "exactly one winner");
      await a.nodes.forget("n2");
      assert.deepEqual(await b.nodes.dead(), []);
      await a.nodes.remove("n1");
      assert.deepEqual(await b.nodes.live(), []);
      assert.deepEqual(await b.nodes.dead(), [], "a node that left cleanly is not dead");
    });

    test("node registry: a node that comes back before cleanup is live again", async () => {
      const [a, b] = await backend.pair();
      await a.nodes.heartbeat(nodeInfo("n1"), 100);
      await until(async () => (await b.nodes.dead()).includes("n1"), 2000, "n1 to be dead");
      await a.nodes.heartbeat(nodeInfo("n1"), 5000);
      await b.nodes.forget("n1");
      assert.deepEqual((await b.nodes.live()).map((n) => n.id), ["n1"]);
      assert.deepEqual(await b.nodes.dead(), []);
    });

    test("events: a node's event reaches every subscriber with its origin", async () => {
      const [a, b] = await backend.pair();
      const gotA: ClusterEnvelope[] = [];
      const gotB: ClusterEnvelope[] = [];
      const offA = a.events.subscribe((e) => gotA.push(e));
      const offB = b.events.subscribe((e) => gotB.push(e));
      await a.events.publish({ type: "meetingEnded", meetingId: "m1", reason: "cancelled" });
      await until(() => gotB.length > 0 && gotA.length > 0, 2000, "event delivery");
      assert.deepEqual(gotB[0], { from: "a", event: { type: "meetingEnded", meetingId: "m1", reason: "cancelled" } });
      offA();
      offB();
      await assert.rejects(a.events.publish({ type: "meetingEnded", meetingId: "", reason: "cancelled" } as never));
    });

    test("ping succeeds", async () => {
      const [a] = await backend.pair();
      await a.ping();
    });
  });
}

describe("redis specifics", { skip: redisInstalled() ? false : "redis-server is not installed" }, () => {
  test("malformed messages on the event channel are ignored and reported", async () => {
    const errors: unknown[] = [];
    const s = await createRedisSharedState({ url: redis!.url, nodeId: "a", prefix: "bad:", onError: (e) => errors.push(e) });
    opened.push(s);
    const got: ClusterEnvelope[] = [];
    s.events.subscribe((e) => got.push(e));
    const raw = new Redis(redis!.url);
    try {
      await raw.publish("bad:events", "not json");
      await raw.publish("bad:events", JSON.stringify({ from: "x", event: { type: "nope" } }));
      await s.events.publish({ type: "nodeDead", nodeId: "n9", rooms: [] });
      await until(() => got.length === 1, 2000, "the valid event");
      assert.equal(got[0].event.type, "nodeDead");
      assert.equal(errors.length, 2);
    } finally {
      raw.disconnect();
    }
  });

  test("an unreachable Redis fails fast at start with a clear message", async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p)); // free again: nothing listens there
      });
    });
    await assert.rejects(
      createRedisSharedState({ url: `redis://127.0.0.1:${port}`, nodeId: "a" }),
      /cannot connect to Redis at redis:\/\/127\.0\.0\.1/,
    );
  });
});
