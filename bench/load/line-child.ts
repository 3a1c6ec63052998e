// A bench child process (server-child.ts, subscriber-child.ts) spoken to in JSON lines:
// commands on its stdin, events on its stdout as lines starting "@@". Other output is passed
// through to our stderr, prefixed with the child's label.
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { spawnChild, stopChild } from "./processes";

type Event = { event: string; [k: string]: unknown };

export class LineChild {
  readonly child: ChildProcess;
  private waiters: { match: (e: Event) => boolean; resolve: (e: Event) => void; reject: (err: Error) => void }[] = [];
  private exited: string | null = null;

  constructor(
    readonly label: string,
    script: string,
    opts: { env?: Record<string, string>; cpus?: string; maxSeconds: number; nodeArgs?: string[] },
  ) {
    const file = path.join(__dirname, script);
    this.child = spawnChild(process.execPath, [...(opts.nodeArgs ?? []), "--import", "tsx", file], {
      maxSeconds: opts.maxSeconds,
      cpus: opts.cpus,
      env: { ...process.env, ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    readline.createInterface({ input: this.child.stdout! }).on("line", (line) => {
      if (!line.startsWith("@@")) return;
      let e: Event;
      try {
        e = JSON.parse(line.slice(2));
      } catch {
        return;
      }
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(e)) return true;
        w.resolve(e);
        return false;
      });
    });
    readline.createInterface({ input: this.child.stderr! }).on("line", (line) => {
      if (line.trim() && process.env.BENCH_DEBUG) process.stderr.write(`[${label}] ${line}\n`);
      else if (/error|fail/i.test(line) && !/DEP0|ExperimentalWarning/.test(line)) process.stderr.write(`[${label}] ${line}\n`);
    });
    this.child.once("exit", (code, signal) => {
      this.exited = `${label} exited (${code ?? signal})`;
      for (const w of this.waiters) w.reject(new Error(this.exited));
      this.waiters = [];
    });
  }

  /** Root of the child's process tree (coreutils `timeout`, with node under it): for CPU sums. */
  get pid(): number {
    return this.child.pid ?? 0;
  }

  send(cmd: Record<string, unknown>): void {
    this.child.stdin?.write(`${JSON.stringify(cmd)}\n`);
  }

  next(event: string, match: (e: Event) => boolean = () => true, timeoutMs = 60_000): Promise<Event> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`${this.label}: no "${event}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (e: Event) => {
        clearTimeout(timer);
        resolve(e);
      };
      this.waiters.push({
        match: (e) => e.event === event && match(e),
        resolve: done,
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
    });
  }

  /** Sends a command and waits for its answer event. */
  async ask(cmd: Record<string, unknown>, event: string, timeoutMs?: number): Promise<Event> {
    const id = Math.floor(Math.random() * 1e9);
    const answer = this.next(event, (e) => e.id === undefined || e.id === id, timeoutMs);
    this.send({ ...cmd, id });
    return answer;
  }

  async stop(): Promise<void> {
    this.send({ cmd: "stop" });
    const exited = new Promise<void>((resolve) => {
      if (this.exited) resolve();
      else this.child.once("exit", () => resolve());
    });
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 3000));
    await Promise.race([exited, timeout]);
    await stopChild(this.child);
  }
}
