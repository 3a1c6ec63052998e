// A throwaway Redis (Debian's `redis-server`) for tests: free port on 127.0.0.1, its own
// temp dir, no persistence (--save "" --appendonly no). Also used by the multi-node e2e.
//
// CLI: `tsx test/unit/redis-server.ts` starts one, prints REDIS_URL, stops on Ctrl-C / SIGTERM.
import { existsSync, mkdtempSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveFromCli, spawnService } from "./service-process";

export const REDIS_SERVER_BIN = "/usr/bin/redis-server";

export interface RedisServer {
  url: string;
  port: number;
  pid: number;
  log(): string;
  stop(): Promise<void>;
}

export function redisInstalled(): boolean {
  return existsSync(REDIS_SERVER_BIN);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    let buf = "";
    s.setTimeout(500, () => s.destroy());
    s.on("connect", () => s.write("PING\r\n"));
    s.on("data", (d) => {
      buf += d.toString();
      if (buf.includes("\r\n")) {
        s.destroy();
        resolve(buf.startsWith("+PONG"));
      }
    });
    s.on("error", () => resolve(false));
    s.on("close", () => resolve(buf.startsWith("+PONG")));
  });
}

export async function startRedis(): Promise<RedisServer> {
  if (!redisInstalled()) throw new Error(`${REDIS_SERVER_BIN} not found: apt-get install redis-server`);
  const dir = mkdtempSync(join(tmpdir(), "meet-redis-"));
  const port = await freePort();
  const { child, log, stop } = spawnService(
    REDIS_SERVER_BIN,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no", "--loglevel", "warning"],
    { cwd: dir, dir },
  );
  const deadline = Date.now() + 10_000;
  while (!(await ping(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`redis-server did not start on port ${port}:\n${log()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `redis://127.0.0.1:${port}`, port, pid: child.pid!, log, stop };
}

if (process.argv[1] && /redis-server\.ts$/.test(process.argv[1])) {
  serveFromCli(() => startRedis(), (r) => `REDIS_URL=${r.url}`);
}
