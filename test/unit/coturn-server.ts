// A throwaway coturn (Debian's `coturn` package: /usr/bin/turnserver) for tests: config file
// and database in a temp dir, listening on a free UDP/TCP port, TURN REST credentials
// (use-auth-secret). Unit tests use it on loopback; e2e tests pass the address a network
// namespace can reach.
//
// CLI: `tsx test/unit/coturn-server.ts` starts one, prints TURN_URLS / TURN_SECRET, stops on
// Ctrl-C / SIGTERM.
import { randomBytes } from "node:crypto";
import dgram from "node:dgram";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveFromCli, spawnService } from "./service-process";
import { TurnClient } from "./turn-client";

export const TURNSERVER_BIN = "/usr/bin/turnserver";

export interface Coturn {
  host: string;
  port: number;
  secret: string;
  realm: string;
  /** turn:<host>:<port>?transport=udp and ?transport=tcp */
  urls: string[];
  /** What coturn printed (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

export function coturnInstalled(): boolean {
  return existsSync(TURNSERVER_BIN);
}

/** A port free for both UDP and TCP on `host` right now. */
export async function freeUdpTcpPort(host: string): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = dgram.createSocket("udp4");
    const port = await new Promise<number>((resolve, reject) => {
      udp.once("error", reject);
      udp.bind(0, host, () => resolve(udp.address().port));
    });
    const tcpOk = await new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.once("error", () => resolve(false));
      srv.listen(port, host, () => srv.close(() => resolve(true)));
    });
    udp.close();
    if (tcpOk) return port;
  }
  throw new Error(`no free UDP+TCP port on ${host}`);
}

export async function startCoturn(options: { host?: string; relayHost?: string; secret?: string } = {}): Promise<Coturn> {
  if (!coturnInstalled()) throw new Error(`${TURNSERVER_BIN} not found: apt-get install coturn`);
  const host = options.host ?? "127.0.0.1";
  const relayHost = options.relayHost ?? host;
  const secret = options.secret ?? randomBytes(24).toString("base64url");
  const realm = "meet.test";
  const dir = mkdtempSync(join(tmpdir(), "meet-coturn-"));
  const port = await freeUdpTcpPort(host);
  // Relay ports: a random block of 200 in the dynamic range (allocations in tests are few).
  const minPort = 49152 + Math.floor(Math.random() * 80) * 200;
  const conf = [
    `listening-ip=${host}`,
    `listening-port=${port}`,
    `relay-ip=${relayHost}`,
    `min-port=${minPort}`,
    `max-port=${minPort + 199}`,
    "use-auth-secret",
    `static-auth-secret=${secret}`,
    `realm=${realm}`,
    "fingerprint",
    "no-tls",
    "no-dtls",
    "no-cli",
    "no-multicast-peers",
    // the test SFU and echo peers live on loopback / test namespaces
    "allow-loopback-peers",
    `userdb=${join(dir, "turndb")}`,
    `pidfile=${join(dir, "turnserver.pid")}`,
    "log-file=stdout",
    "simple-log",
    "no-software-attribute",
  ].join("\n");
  const confFile = join(dir, "turnserver.conf");
  writeFileSync(confFile, conf + "\n");

  const { child, log, stop } = spawnService(TURNSERVER_BIN, ["-c", confFile], { cwd: dir, dir });

  // Ready = answers a STUN Binding request on its port.
  const probe = new TurnClient(host, port);
  await probe.open();
  const deadline = Date.now() + 15_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`turnserver exited (${child.exitCode}):\n${log()}`);
      try {
        await probe.binding(300);
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`turnserver did not answer on ${host}:${port}:\n${log()}`);
      }
    }
  } catch (err) {
    probe.close();
    await stop();
    throw err;
  }
  probe.close();

  return {
    host,
    port,
    secret,
    realm,
    urls: [`turn:${host}:${port}?transport=udp`, `turn:${host}:${port}?transport=tcp`],
    log,
    stop,
  };
}

if (process.argv[1] && /coturn-server\.ts$/.test(process.argv[1])) {
  serveFromCli(() => startCoturn(), (c) => `TURN_URLS=${c.urls.join(",")}\nTURN_SECRET=${c.secret}`);
}
