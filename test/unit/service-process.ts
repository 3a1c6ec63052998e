// Shared by the throwaway services the tests start from Debian's packages (redis-server,
// coturn, PostgreSQL): the child process with a bounded log, and a stop() that signals it,
// waits (SIGKILL after a while) and removes its temp dir.
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { rmSync } from "node:fs";

export type ServiceProcess = {
  child: ChildProcess;
  /** The tail of what it printed. */
  log(): string;
  stop(): Promise<void>;
};

export function spawnService(
  bin: string,
  args: string[],
  options: SpawnOptions & { dir: string; stopSignal?: NodeJS.Signals; logBytes?: number },
): ServiceProcess {
  const { dir, stopSignal = "SIGTERM", logBytes = 20_000, ...spawnOptions } = options;
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"], ...spawnOptions });
  let output = "";
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-logBytes));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return {
    child,
    log: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(stopSignal);
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `tsx <file>`: start the service, print how to reach it, stop it on Ctrl-C / SIGTERM. */
export function serveFromCli<T extends { stop(): Promise<void> }>(start: () => Promise<T>, describe: (s: T) => string): void {
  start().then(
    (s) => {
      console.log(describe(s));
      const quit = () => void s.stop().then(() => process.exit(0));
      process.on("SIGINT", quit);
      process.on("SIGTERM", quit);
    },
    (e: Error) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
