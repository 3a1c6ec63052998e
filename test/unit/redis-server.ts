// A throwaway Redis (Debian's `redis-server`) for tests: free port on 127.0.0.1, its own
// temp dir, no persistence (--save "" --appendonly no). Also used by the multi-node e2e.
//
// CLI: `tsx test/unit/redis-server.ts` starts one, prints REDIS_URL, stops on Ctrl-C / SIGTERM.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
  const child: ChildProcess = spawn(
    REDIS_SERVER_BIN,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no", "--loglevel", "warning"],
    { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-10_000)));
  child.stderr!.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-10_000)));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (!(await ping(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`redis-server did not start on port ${port}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `redis://127.0.0.1:${port}`, port, pid: child.pid!, log: () => output, stop };
}

if (process.argv[1] && /redis-server\.ts$/.test(process.argv[1])) {
  startRedis().then(
    (r) => {
      console.log(`REDIS_URL=${r.url}`);
      const quit = () => void r.stop().then(() => process.exit(0));
      process.on("SIGINT", quit);
      process.on("SIGTERM", quit);
    },
    (e: Error) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
