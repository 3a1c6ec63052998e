// Who may open a signaling socket: Origin rules and the unauthenticated-socket caps.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { UpgradePolicy } from "../../server/signaling/upgrade-policy";

function req(headers: Record<string, string>, ip = "198.18.0.10"): IncomingMessage {
  return { headers, socket: { remoteAddress: ip } } as unknown as IncomingMessage;
}

const policy = (over: Partial<ConstructorParameters<typeof UpgradePolicy>[0]> = {}) =>
  new UpgradePolicy({ maxUnauthenticatedPerIp: 2, maxUnauthenticated: 3, ...over });

test("same origin as the Host header, PUBLIC_URL and the allow-list are accepted", () => {
  const p = policy({ publicOrigin: "https://meet.example.org/", allowedOrigins: ["https://intranet.example"] });
  assert.equal(p.admit(req({ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000" })), null);
  assert.equal(p.admit(req({ host: "internal:3000", origin: "https://meet.example.org" }, "198.18.0.11")), null);
  assert.equal(p.admit(req({ host: "internal:3000", origin: "https://intranet.example" }, "198.18.0.12")), null);
});

test("foreign, malformed and opaque origins are refused with 403", () => {
  const p = policy();
  for (const origin of ["https://evil.example", "null", "file://", "not a url", "http://127.0.0.1:3001"]) {
    const r = p.admit(req({ host: "127.0.0.1:3000", origin }));
    assert.equal(r?.status, 403, origin);
  }
  assert.equal(p.waiting, 0, "refused upgrades are not counted");
});

test("no Origin header (not a browser page) is allowed", () => {
  assert.equal(policy().admit(req({ host: "127.0.0.1:3000" })), null);
});

test("forwarded host counts only behind a trusted proxy", () => {
  const headers = { host: "backend:3000", "x-forwarded-host": "meet.example.org", origin: "https://meet.example.org" };
  assert.equal(policy().admit(req(headers))?.status, 403);
  assert.equal(policy({ trustProxy: true }).admit(req(headers)), null);
});

test("caps: per address (429), then in total (503); release frees a place", () => {
  const p = policy();
  const h = { host: "h" };
  assert.equal(p.admit(req(h, "a")), null);
  assert.equal(p.admit(req(h, "a")), null);
  assert.equal(p.admit(req(h, "a"))?.status, 429);
  assert.equal(p.admit(req(h, "b")), null);
  assert.equal(p.admit(req(h, "c"))?.status, 503);
  p.release("a");
  assert.equal(p.admit(req(h, "c")), null);
  assert.equal(p.waiting, 3);
});

test("behind a trusted proxy the forwarded client address is what is capped", () => {
  const p = policy({ trustProxy: true });
  const via = (client: string) => req({ host: "h", "x-forwarded-for": `${client}, 10.0.0.1` }, "127.0.0.1");
  assert.equal(p.admit(via("198.18.1.1")), null);
  assert.equal(p.admit(via("198.18.1.1")), null);
  assert.equal(p.admit(via("198.18.1.1"))?.status, 429);
  assert.equal(p.admit(via("198.18.1.2")), null);
});
