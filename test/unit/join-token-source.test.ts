import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { JoinTokenSource } from "../../lib/client/join-token-source";

// The join-token route, stubbed: each call's body is recorded; a guest without a name gets 400.
const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

function stubRoute(signalingUrl?: string) {
  const bodies: Record<string, string>[] = [];
  globalThis.fetch = (async (_url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body)) as Record<string, string>;
    bodies.push(body);
    if (!body.displayName) {
      return new Response(JSON.stringify({ error: { code: "display_name_required", message: "Enter your name." } }), {
        status: 400,
      });
    }
    return new Response(JSON.stringify({ token: `t${bodies.length}`, expiresAt: Date.now() + 60_000, signalingUrl }), {
      status: 200,
    });
  }) as typeof fetch;
  return bodies;
}

function source(name: { value: string }, events: string[]) {
  return new JoinTokenSource({
    roomId: "room-1",
    displayName: () => name.value,
    rejoinTicket: () => "ticket-1",
    onToken: (t) => events.push(`token:${t.token}`),
    onWaitingForName: (waiting) => events.push(waiting ? "needs-name" : "go-on"),
  });
}

test("a fresh token is fetched once and reused; the rejoin ticket and name go with the fetch", async () => {
  const bodies = stubRoute();
  const events: string[] = [];
  const tokens = source({ value: " Ana " }, events);
  const [a, b] = await Promise.all([tokens.fresh(), tokens.fresh()]);
  assert.equal(a, b);
  assert.equal((await tokens.fresh()).token, "t1");
  assert.deepEqual(bodies, [{ displayName: "Ana", rejoinTicket: "ticket-1" }]);
  assert.deepEqual(events, ["token:t1"]);
  tokens.drop();
  assert.equal(tokens.current, null);
  assert.equal((await tokens.fresh()).token, "t2", "a dropped token is fetched again");
});

test("a guest's warm-up waits for a name and goes on once typing pauses", async () => {
  const bodies = stubRoute();
  const events: string[] = [];
  const name = { value: "" };
  const tokens = source(name, events);
  const warm = tokens.forWarmUp(() => false);
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(events, ["needs-name"]);
  tokens.nameTyped("   ");
  name.value = "Bo";
  tokens.nameTyped("Bo");
  const token = await warm;
  assert.equal(token.token, "t2");
  assert.deepEqual(events, ["needs-name", "go-on", "token:t2"]);
  assert.equal(bodies[1].displayName, "Bo", "the name typed, never mixed with a default");
});

test("a warm-up that gave up does not wait for a name", async () => {
  stubRoute();
  const tokens = source({ value: "" }, []);
  await assert.rejects(tokens.forWarmUp(() => true), /Enter your name/);
});

test("a node that could not be reached is named in the next fetch, once", async () => {
  const bodies = stubRoute("wss://node-a.example/ws");
  const tokens = source({ value: "Ana" }, []);
  await tokens.fresh();
  tokens.nodeUnreachable();
  assert.equal(tokens.current, null);
  await tokens.fresh();
  tokens.drop();
  await tokens.fresh();
  assert.deepEqual(
    bodies.map((b) => b.unreachable),
    [undefined, "wss://node-a.example/ws", undefined],
  );
});
