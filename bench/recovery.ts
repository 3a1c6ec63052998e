// Recovery: time from a real fault to media flowing both ways again, for a two-person call
// (Ana on the host, Ben inside a network namespace for the network faults), on a
// production server of its own. Faults, each repeated --runs times (default 5):
//   network change  Ben's address is replaced (his TCP and UDP flows die)
//   link down 3 s   Ben's cable is pulled for 3 s (timed from the link coming back)
//   worker death    every mediasoup worker SIGKILLed
//   server restart  SIGTERM, then the server is started again on the same port and
//                   database (timed from the moment it listens again)
// Baseline, same run: what the user had to do before — reload the page and join again
// (timed from the reload to media both ways). Ratios = recovery / baseline.
//
// "Media flowing" = each direction decodes ≥ 5 new frames within 400 ms (so the few frames
// still in a jitter buffer when the path breaks do not count); the time reported is the
// start of that run of frames, for the slower direction.
//
//   npm run bench:recovery                      # 5 runs per fault
//   npm run bench:recovery -- --runs 10 --only network-change,worker-death
// Needs root (network namespaces) and a production build (`next build`; run first if missing).
import { spawnSync } from "node:child_process";
import os from "node:os";
import type { Page } from "@playwright/test";
import { AppServer } from "../e2e/fixtures/app-server";
import { changeAddress, createNetHost, destroyNetHost, linkDown, linkUp, netnsUnavailableReason } from "../e2e/fixtures/netns";
import { closePerson, joinAs, launchPerson, meetingOn, type Person } from "../e2e/fixtures/resilience";
import { clickJoin } from "../e2e/fixtures/room";
import { hasProductionBuild, ROOT } from "../e2e/fixtures/server-env";

const argv = process.argv.slice(2);
const arg = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const RUNS = Number(arg("runs") ?? 5);
const FAULTS = ["network-change", "link-down-3s", "worker-death", "server-restart"] as const;
type Fault = (typeof FAULTS)[number];
const ONLY = (arg("only")?.split(",") ?? FAULTS) as Fault[];
const TARGETS: Partial<Record<Fault, { p50?: number; max: number; what: string }>> = {
  "network-change": { p50: 2000, max: 5000, what: "p50 <= 2 s, max <= 5 s" },
  "worker-death": { max: 3000, what: "<= 3 s" },
  "server-restart": { max: 5000, what: "<= 5 s after listening again" },
};
const SAMPLE_MS = 50;
const RUN_FRAMES = 5;
const RUN_WINDOW_MS = 400;
const GIVE_UP_MS = 20_000;

/** framesDecoded per remote camera track of the page. */
async function decodedByTrack(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const out: Record<string, number> = {};
    const ids = new Set(
      [...document.querySelectorAll('[data-testid="remote-tile"][data-source="camera"] video')]
        .map((v) => ((v as HTMLVideoElement).srcObject as MediaStream | null)?.getVideoTracks()[0]?.id)
        .filter(Boolean),
    );
    for (const pc of ((window as unknown as { __e2ePcs?: RTCPeerConnection[] }).__e2ePcs ?? [])) {
      if (pc.signalingState === "closed") continue;
      try {
        (await pc.getStats()).forEach((s: { type: string; trackIdentifier?: string; framesDecoded?: number }) => {
          if (s.type === "inbound-rtp" && s.trackIdentifier && ids.has(s.trackIdentifier)) out[s.trackIdentifier] = s.framesDecoded ?? 0;
        });
      } catch {
        // closed meanwhile
      }
    }
    return out;
  });
}

/** Frames decoded on the page's current tracks since `base` (new tracks count from 0). */
function framesSince(now: Record<string, number>, base: Record<string, number>): number {
  let n = 0;
  for (const [id, v] of Object.entries(now)) n += Math.max(0, v - (base[id] ?? 0));
  return n;
}

/** Samples both pages from `from` until each shows a sustained run of frames; returns ms after `from`. */
async function timeToMediaBothWays(pages: Page[], base: Record<string, number>[], from: number): Promise<number> {
  const series: { t: number; n: number }[][] = pages.map(() => []);
  const found: (number | null)[] = pages.map(() => null);
  while (found.some((f) => f === null)) {
    if (Date.now() - from > GIVE_UP_MS) throw new Error(`media not back within ${GIVE_UP_MS} ms`);
    const t = Date.now();
    const counts = await Promise.all(pages.map((p) => decodedByTrack(p)));
    counts.forEach((c, i) => {
      if (found[i] !== null) return;
      const s = series[i];
      s.push({ t, n: framesSince(c, base[i]) });
      // the earliest sample from which RUN_FRAMES frames followed within RUN_WINDOW_MS
      for (const start of s) {
        const end = s.find((x) => x.t - start.t <= RUN_WINDOW_MS && x.n - start.n >= RUN_FRAMES);
        if (end) {
          found[i] = Math.max(0, start.t - from);
          break;
        }
      }
    });
    await new Promise((r) => setTimeout(r, SAMPLE_MS));
  }
  return Math.max(...(found as number[]));
}

function p50(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  const noNetns = netnsUnavailableReason();
  if (noNetns) throw new Error(noNetns);
  if (!hasProductionBuild()) {
    console.log("[recovery] no production build: running next build");
    const b = spawnSync("npx", ["next", "build"], { cwd: ROOT, stdio: "inherit" });
    if (b.status !== 0) throw new Error("next build failed");
  }
  const net = createNetHost("bench");
  const server = new AppServer({ announcedAddress: net.hostIp, env: { LOG_LEVEL: "warn" } });
  let ana: Person | undefined;
  let ben: Person | undefined;
  const results: Record<string, number[]> = {};
  try {
    await server.start();
    const room = await meetingOn(server);
    ana = await launchPerson("Ana", server.localURL);
    ben = await launchPerson("Ben", server.urlVia(net.hostIp), net);
    await Promise.all([joinAs(ana, room), joinAs(ben, room)]);
    const pages = [ana.page, ben.page];
    const snapshot = () => Promise.all(pages.map((p) => decodedByTrack(p)));
    const settle = async () => timeToMediaBothWays(pages, await snapshot(), Date.now());
    await settle();

    const measure = async (name: string, fault: () => Promise<number>) => {
      const out: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        await settle();
        await new Promise((r) => setTimeout(r, 1500)); // steady state before the next fault
        const base = await snapshot();
        const from = await fault();
        const ms = await timeToMediaBothWays(pages, base, from);
        out.push(ms);
        console.log(`[recovery] ${name} run ${i + 1}: ${ms} ms`);
      }
      results[name] = out;
    };

    // baseline first: reload the faulted person's page and join again
    await measure("baseline: reload + join", async () => {
      const from = Date.now();
      await ben!.page.reload();
      const input = ben!.page.getByTestId("prejoin-name");
      await input.waitFor({ timeout: 30_000 });
      await input.fill("Ben");
      await clickJoin(ben!.page);
      return from;
    });
    if (ONLY.includes("network-change")) {
      await measure("network-change", async () => {
        changeAddress(net);
        return Date.now();
      });
    }
    if (ONLY.includes("link-down-3s")) {
      await measure("link-down-3s", async () => {
        linkDown(net);
        await new Promise((r) => setTimeout(r, 3000));
        linkUp(net);
        return Date.now();
      });
    }
    if (ONLY.includes("worker-death")) {
      await measure("worker-death", async () => {
        server.killWorkers();
        return Date.now();
      });
    }
    if (ONLY.includes("server-restart")) {
      await measure("server-restart", async () => {
        await server.stop("SIGTERM");
        await server.start();
        return Date.now();
      });
    }
  } finally {
    await closePerson(ana);
    await closePerson(ben);
    await server.dispose();
    destroyNetHost(net);
  }

  const base = p50(results["baseline: reload + join"]);
  console.log("\n== recovery: fault -> media both ways (ms) ==");
  console.log(`load average (1 min): ${os.loadavg()[0].toFixed(2)}`);
  let failed = false;
  for (const [name, xs] of Object.entries(results)) {
    const target = TARGETS[name as Fault];
    const ok = !target || (Math.max(...xs) <= target.max && (target.p50 === undefined || p50(xs) <= target.p50));
    if (!ok) failed = true;
    console.log(
      `${name.padEnd(24)} p50 ${String(p50(xs)).padStart(5)}  max ${String(Math.max(...xs)).padStart(5)}  ` +
        `ratio p50/baseline ${(p50(xs) / base).toFixed(2)}  runs [${xs.join(", ")}]` +
        (target ? `  target ${target.what}: ${ok ? "met" : "MISSED"}` : ""),
    );
  }
  console.log(JSON.stringify(Object.fromEntries(Object.entries(results).map(([k, xs]) => [k, { p50: p50(xs), max: Math.max(...xs), runs: xs }]))));
  process.exitCode = failed ? 1 : 0;
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
