// TURN REST credentials against a real coturn (Debian's package), spoken to by a minimal
// TURN client over UDP (./turn-client.ts): fresh credentials allocate a relay that really
// relays; expired ones and ones signed with another secret are refused.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { iceServersFor, turnPassword, turnRestCredentials } from "@/lib/turn/credentials";
import { coturnInstalled, startCoturn, type Coturn } from "./coturn-server";
import { TurnClient } from "./turn-client";

describe("TURN REST credentials (pure)", () => {
  test("username is <expiry>:<participantKey>, credential is base64 HMAC-SHA1 of it", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const c = turnRestCredentials("s3cret", "guest:abc", { ttlSeconds: 600, now });
    const expiry = Math.floor(now.getTime() / 1000) + 600;
    assert.equal(c.username, `${expiry}:guest:abc`);
    // known answer, computed independently:
    //   printf '%s' 1767226200:guest:abc | openssl dgst -sha1 -hmac s3cret -binary | base64
    assert.equal(c.username, "1767226200:guest:abc");
    assert.equal(c.credential, "wecP67DP7unq65i9lqaX0eOR7wo=");
    assert.equal(turnPassword("s3cret", c.username), c.credential);
    assert.equal(c.expiresAt.getTime(), expiry * 1000);
  });

  test("default TTL is one hour", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const c = turnRestCredentials("s", "u1", { now });
    assert.equal(c.expiresAt.getTime() - now.getTime(), 3600_000);
  });

  test("iceServersFor: TURN entry with credentials, STUN entry without, nothing unconfigured", () => {
    assert.deepEqual(iceServersFor({ urls: [] }, "k"), []);
    const servers = iceServersFor(
      { urls: ["turn:t.example:3478?transport=udp", "turns:t.example:5349", "stun:s.example:3478"], secret: "x" },
      "k",
    );
    assert.equal(servers.length, 2);
    assert.deepEqual(servers[0].urls, ["turn:t.example:3478?transport=udp", "turns:t.example:5349"]);
    assert.ok(servers[0].username?.endsWith(":k"));
    assert.deepEqual(servers[1], { urls: ["stun:s.example:3478"] });
  });
});

describe("coturn accepts fresh and refuses expired credentials", { skip: coturnInstalled() ? false : "coturn is not installed (apt-get install coturn)" }, () => {
  let turn: Coturn;
  before(async () => {
    turn = await startCoturn();
  });
  after(async () => {
    await turn?.stop();
  });

  test("fresh credentials: Allocate succeeds and the relay forwards both ways", async () => {
    const { username, credential } = turnRestCredentials(turn.secret, "user-1", { ttlSeconds: 60 });
    const client = new TurnClient(turn.host, turn.port);
    const peer = dgram.createSocket("udp4");
    try {
      await client.open();
      const r = await client.allocate(username, credential);
      assert.equal(r.ok, true, `allocate: ${JSON.stringify(r)}\n${turn.log()}`);
      assert.ok(r.ok);
      assert.equal(r.relayed.address, turn.host);
      assert.ok(r.lifetime > 0);

      await new Promise<void>((resolve) => peer.bind(0, "127.0.0.1", () => resolve()));
      const peerPort = peer.address().port;
      await client.createPermission("127.0.0.1");
      const received = new Promise<{ data: Buffer; port: number }>((resolve) =>
        peer.once("message", (data, rinfo) => resolve({ data, port: rinfo.port })),
      );
      client.sendTo("127.0.0.1", peerPort, Buffer.from("to-peer"));
      const got = await received;
      assert.equal(got.data.toString(), "to-peer");
      assert.equal(got.port, r.relayed.port, "the peer sees the relayed address, not the client");

      peer.send(Buffer.from("to-client"), r.relayed.port, "127.0.0.1");
      const back = await client.nextData();
      assert.equal(back.data.toString(), "to-client");
      assert.equal(back.from.port, peerPort);
    } finally {
      client.close();
      peer.close();
    }
  });

  /** The answer code of one Allocate with these credentials (or "allocated"). */
  async function allocateAnswer(c: { username: string; credential: string }): Promise<number | "allocated"> {
    const client = new TurnClient(turn.host, turn.port);
    try {
      await client.open();
      const r = await client.allocate(c.username, c.credential);
      return r.ok ? "allocated" : r.code;
    } finally {
      client.close();
    }
  }

  test("expired credentials are refused with 401", async () => {
    const past = new Date(Date.now() - 2 * 3600_000);
    assert.equal(await allocateAnswer(turnRestCredentials(turn.secret, "user-2", { ttlSeconds: 3600, now: past })), 401);
  });

  test("credentials signed with another secret are refused with 401", async () => {
    assert.equal(await allocateAnswer(turnRestCredentials("not-the-secret", "user-3", { ttlSeconds: 60 })), 401);
  });
});
