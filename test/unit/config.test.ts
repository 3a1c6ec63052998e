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
