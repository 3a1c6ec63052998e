// Child processes of the load bench, and how we measure them: every child (ffmpeg,
// subscriber and server processes) is registered here and killed when the bench ends, on
// success, failure, Ctrl-C or SIGTERM. CPU use comes from /proc/<pid>/stat, UDP drops per
// socket from /proc/net/udp, core pinning from taskset.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from "node:child_process";
import fs from "node:fs";
import os from "node:os";

const children = new Set<ChildProcess>();
/** Processes we did not spawn through spawnChild (e.g. a mediasoup worker) to kill as well. */
const extraPids = new Set<number>();
let hooked = false;

/** Also SIGKILL `pid` when the bench ends (it would exit on its own, a few seconds later). */
export function killOnExit(pid: number): void {
  hookExit();
  extraPids.add(pid);
}

function killAll(): void {
  for (const pid of extraPids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
  extraPids.clear();
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        // children are started in their own process group: take their descendants too
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        try {
          child.kill("SIGKILL");
        } catch {
          // already gone
        }
      }
    }
  }
  children.clear();
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      console.error(`bench:load: ${signal}, stopping every child process`);
      killAll();
      process.exit(130);
    });
  }
  process.on("uncaughtException", (err) => {
    console.error("bench:load: uncaught", err);
    killAll();
    process.exit(1);
  });
}

/**
 * Spawns a child that is killed when the bench ends. `maxSeconds` is a hard bound even if
 * this process itself is SIGKILLed (coreutils `timeout` outlives us and kills the child).
 * `cpus` pins it with taskset.
 */
export function spawnChild(
  command: string,
  args: string[],
  options: SpawnOptions & { maxSeconds: number; cpus?: string },
): ChildProcess {
  hookExit();
  const { maxSeconds, cpus, ...spawnOptions } = options;
  const wrapped = ["--signal=KILL", String(Math.ceil(maxSeconds)), ...(cpus ? ["taskset", "-c", cpus] : []), command, ...args];
  const child = spawn("timeout", wrapped, { detached: true, ...spawnOptions });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

export function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // gone
      }
    }, 3000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      resolve();
    }
  });
}

export function stopAllChildren(): void {
  killAll();
}

/** Pins a running process (every thread) to the given CPU list, e.g. "0". */
export function pin(pid: number, cpus: string): boolean {
  const r = spawnSync("taskset", ["-a", "-p", "-c", cpus, String(pid)], { encoding: "utf8" });
  return r.status === 0;
}

export const CORES = os.cpus().length;
const CLK_TCK = 100; // Linux USER_HZ

/** utime + stime of a process (all threads), seconds; null when it is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // fields after the parenthesised command name
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/** Resident set size of a process, KiB. */
export function rssKiB(pid: number): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** `pid` and all its descendants (via /proc/<pid>/task/<tid>/children). */
export function withDescendants(pid: number): number[] {
  const out: number[] = [];
  const stack = [pid];
  while (stack.length && out.length < 10_000) {
    const p = stack.pop()!;
    out.push(p);
    let tasks: string[] = [];
    try {
      tasks = fs.readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        for (const c of fs.readFileSync(`/proc/${p}/task/${tid}/children`, "utf8").trim().split(/\s+/)) {
          if (c) stack.push(Number(c));
        }
      } catch {
        // gone
      }
    }
  }
  return out;
}

/** Measures CPU % (100 = one full core) of some processes (and their descendants) between begin() and end(). */
export class CpuMeter {
  private start = new Map<number, number>();
  private t0 = 0;
  constructor(
    private readonly pids: () => number[],
    /** Processes (with their descendants) not to count, e.g. the worker under our own pid. */
    private readonly exclude: () => number[] = () => [],
  ) {}
  private all(): number[] {
    const skip = new Set(this.exclude().flatMap((pid) => withDescendants(pid)));
    return [...new Set(this.pids().flatMap((pid) => withDescendants(pid)))].filter((pid) => !skip.has(pid));
  }
  begin(): void {
    this.t0 = performance.now();
    this.start = new Map(this.all().map((pid) => [pid, cpuSeconds(pid) ?? 0]));
  }
  /** Percent of one core used by all the processes together since begin(). */
  end(): number {
    const seconds = (performance.now() - this.t0) / 1000;
    let used = 0;
    for (const pid of this.all()) {
      const now = cpuSeconds(pid);
      if (now === null) continue;
      used += now - (this.start.get(pid) ?? now);
    }
    return seconds > 0 ? (100 * used) / seconds : 0;
  }
}

/** Whole-machine CPU busy % per core from /proc/stat between two reads. */
export function readCoreTimes(): number[][] {
  const lines = fs.readFileSync("/proc/stat", "utf8").split("\n").filter((l) => /^cpu\d+ /.test(l));
  return lines.map((l) => l.trim().split(/\s+/).slice(1).map(Number));
}
export function coreBusyPct(before: number[][], after: number[][]): number[] {
  return after.map((a, i) => {
    const b = before[i] ?? a;
    const total = a.reduce((s, v, j) => s + v - (b[j] ?? 0), 0);
    const idle = a[3] - b[3] + (a[4] - b[4]);
    return total > 0 ? Math.round((100 * (total - idle)) / total) : 0;
  });
}

/** Kernel drop counters of UDP sockets bound on 127.0.0.1, by local port (/proc/net/udp). */
export function udpDropsByPort(): Map<number, number> {
  const out = new Map<number, number>();
  let text = "";
  try {
    text = fs.readFileSync("/proc/net/udp", "utf8");
  } catch {
    return out;
  }
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 13) continue;
    const [ip, port] = f[1].split(":");
    if (ip !== "0100007F") continue; // 127.0.0.1 little-endian hex
    const drops = Number(f[f.length - 1]);
    const p = parseInt(port, 16);
    out.set(p, (out.get(p) ?? 0) + drops);
  }
  return out;
}

/** Sum of drops on a set of ports since `before`. */
export function dropsSince(before: Map<number, number>, ports: (port: number) => boolean): number {
  let n = 0;
  for (const [port, drops] of udpDropsByPort()) if (ports(port)) n += drops - (before.get(port) ?? 0);
  return n;
}

export function hasCommand(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}
