import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../../server/config";

test("defaults", () => {
  const c = loadConfig({});
  assert.equal(c.PORT, 3000);
  assert.equal(c.LISTEN_IP, "0.0.0.0");
  assert.equal(c.RTC_MIN_PORT, 40000);
  assert.equal(c.LOG_LEVEL, "info");
  assert.equal(c.MAX_PEERS_PER_ROOM, 60, "what this machine was measured to carry (bench:room-capacity)");
  assert.ok(c.NUM_WORKERS >= 1);
  assert.ok(c.ANNOUNCED_ADDRESS.length > 0);
  assert.equal(c.https, false);
  assert.equal(c.dev, true);
});

test("values are parsed; empty strings mean unset", () => {
  const c = loadConfig({ PORT: "8080", NUM_WORKERS: "2", ANNOUNCED_ADDRESS: "meet.example.org", LISTEN_IP: "", NODE_ENV: "production" });
  assert.equal(c.PORT, 8080);
  assert.equal(c.NUM_WORKERS, 2);
  assert.equal(c.ANNOUNCED_ADDRESS, "meet.example.org");
  assert.equal(c.LISTEN_IP, "0.0.0.0");
  assert.equal(c.dev, false);
});

test("bad values are all reported", () => {
  try {
    loadConfig({
      PORT: "http",
      LISTEN_IP: "localhost",
      ANNOUNCED_ADDRESS: "0.0.0.0",
      NUM_WORKERS: "0",
      LOG_LEVEL: "loud",
      MAX_PEERS_PER_ROOM: "-3",
      NODE_ENV: "staging",
    });
    assert.fail("should throw");
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    const text = err.message;
    for (const key of ["PORT", "LISTEN_IP", "ANNOUNCED_ADDRESS", "NUM_WORKERS", "LOG_LEVEL", "MAX_PEERS_PER_ROOM", "NODE_ENV"]) {
      assert.ok(text.includes(key), `${key} missing from:\n${text}`);
    }
  }
});

test("TLS: both or neither, and readable", () => {
  assert.throws(() => loadConfig({ TLS_CERT_FILE: "/etc/hostname" }), /TLS_KEY_FILE/);
  assert.throws(() => loadConfig({ TLS_CERT_FILE: "/nonexistent.pem", TLS_KEY_FILE: "/nonexistent.key" }), /cannot read/);
  assert.equal(loadConfig({ TLS_CERT_FILE: "/etc/hostname", TLS_KEY_FILE: "/etc/hostname" }).https, true);
});

test("port range overflow and short production secret", () => {
  assert.throws(() => loadConfig({ RTC_MIN_PORT: "65535", NUM_WORKERS: "2" }), /RTC_MIN_PORT/);
  assert.throws(() => loadConfig({ NODE_ENV: "production", JOIN_TOKEN_SECRET: "short" }), /16 characters/);
  assert.doesNotThrow(() => loadConfig({ JOIN_TOKEN_SECRET: "short" }));
});

test("several nodes: REDIS_URL needs NODE_PUBLIC_URL; node id defaults to <hostname>-<port>", () => {
  const one = loadConfig({ PORT: "3100" });
  assert.equal(one.clustered, false);
  assert.match(one.nodeId, /-3100$/);
  assert.throws(() => loadConfig({ REDIS_URL: "redis://127.0.0.1:6379" }), /NODE_PUBLIC_URL is required/);
  assert.throws(() => loadConfig({ REDIS_URL: "http://x" }), /REDIS_URL must start with redis:\/\//);
  const c = loadConfig({ REDIS_URL: "redis://r:6379", NODE_PUBLIC_URL: "https://node-a.example.org/", NODE_ID: "node-a" });
  assert.equal(c.clustered, true);
  assert.equal(c.NODE_PUBLIC_URL, "https://node-a.example.org");
  assert.equal(c.nodeId, "node-a");
  assert.throws(() => loadConfig({ NODE_PUBLIC_URL: "ftp://x" }), /plain http:\/\/ or https:\/\//);
  assert.throws(() => loadConfig({ NODE_ID: "bad id" }), /NODE_ID/);
  assert.throws(() => loadConfig({ NODE_HEARTBEAT_MS: "3000", NODE_DEAD_AFTER_MS: "4000" }), /at least twice/);
});

test("TURN: URLs are checked, a secret is required, TTL defaults to an hour", () => {
  const c = loadConfig({ TURN_URLS: "turn:t.example.org:3478?transport=udp, turns:t.example.org:5349", TURN_SECRET: "s" });
  assert.deepEqual(c.TURN_URLS, ["turn:t.example.org:3478?transport=udp", "turns:t.example.org:5349"]);
  assert.equal(c.TURN_TTL_SECONDS, 3600);
  assert.deepEqual(loadConfig({}).TURN_URLS, []);
  assert.throws(() => loadConfig({ TURN_URLS: "turn:t.example.org:3478" }), /TURN_SECRET is required/);
  assert.throws(() => loadConfig({ TURN_URLS: "http://t.example.org", TURN_SECRET: "s" }), /not a turn:/);
  assert.throws(() => loadConfig({ TURN_URLS: "turn:t:1", TURN_SECRET: "short", NODE_ENV: "production" }), /TURN_SECRET must be at least 16/);
  assert.throws(() => loadConfig({ TURN_TTL_SECONDS: "10" }), /TURN_TTL_SECONDS/);
  assert.throws(() => loadConfig({ METRICS_TOKEN: "short" }), /METRICS_TOKEN must be at least 16/);
});

test("cascade: NODE_MAX_PEERS defaults to 0 (a room stays on one node)", () => {
  assert.equal(loadConfig({}).NODE_MAX_PEERS, 0);
  assert.equal(loadConfig({ NODE_MAX_PEERS: "40" }).NODE_MAX_PEERS, 40);
  assert.throws(() => loadConfig({ NODE_MAX_PEERS: "-1" }), /NODE_MAX_PEERS/);
});
