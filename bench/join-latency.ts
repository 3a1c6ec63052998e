// Join latency: click on "join" -> first decoded remote video frame, for a newcomer to a room
// that already has a publisher (through our SFU), against a direct RTCPeerConnection call
// between two pages of the same Chromium (the floor on this machine).
//
//   npm run bench:join-latency                  # both halves, 1 warm-up + 7 runs each
//   npm run bench:join-latency -- --runs 10
//   npm run bench:join-latency -- --only p2p    # no app needed
//   BENCH_BASE_URL=http://127.0.0.1:3000 npm run bench:join-latency   # use a running server
//
// Starts its own production server (`tsx server/index.ts`, NODE_ENV=production) on a free
// port with a fresh SQLite file, like the Playwright webServer; runs `next build` first if
// there is no build in .next/.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import os from "node:os";
import { chromium, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../e2e/fixtures/chromium";
import { mediaProbeInit } from "../e2e/fixtures/media-probe";
import { appServerEnv, hasProductionBuild, ROOT } from "../e2e/fixtures/server-env";
import { createMeetingRoom, gotoPrejoin, type MeetingRoom } from "../e2e/fixtures/room";
import { CAMERA_CONSTRAINTS } from "../lib/client/local-media";

const idealOf = (c: ConstrainULong | undefined, fallback: number): number =>
  typeof c === "number" ? c : typeof c === "object" && typeof c.ideal === "number" ? c.ideal : fallback;

const argv = process.argv.slice(2);
const arg = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const RUNS = Number(arg("runs") ?? 7);
const ONLY = arg("only"); // "p2p" | "sfu" | undefined
const WARMUPS = 1;
const VERBOSE = argv.includes("--verbose");

// tsx (esbuild keepNames) wraps functions in __name(); functions shipped to the page with
// page.evaluate/addInitScript need it defined there.
const NAME_SHIM = "globalThis.__name = globalThis.__name || ((f) => f);";

function p50(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

async function newMediaContext(browser: Browser): Promise<BrowserContext> {
  const ctx = await browser.newContext({ permissions: ["camera", "microphone"], viewport: { width: 1280, height: 720 } });
  await ctx.addInitScript(NAME_SHIM);
  return ctx;
}

// ---- (a) P2P floor ----------------------------------------------------------------------
// Two pages (tabs) of the same Chromium, each with its camera and mic already running (like
// two pre-join previews). Signaling is a BroadcastChannel between the two pages (same origin,
// same context): sub-millisecond, i.e. no slower than our WebSocket on loopback, so the
// floor is not inflated by the harness. The caller measures call() -> first remote frame.

const P2P_ORIGIN = "http://127.0.0.1:9"; // never reached: page.route fulfils it (secure context)

const P2P_PAGE = `<!doctype html><title>p2p</title><body><script>
const role = location.hash.slice(1);
const bc = new BroadcastChannel("p2p");
const send = (m) => bc.postMessage(m);
const p = { stream: null, pc: null, video: null, t0: 0, firstFrame: null, pending: [], marks: {} };
window.__p2p = p;
p.start = async (w, h) => {
  p.stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: { ideal: w }, height: { ideal: h } } });
};
p.newPc = () => {
  const pc = new RTCPeerConnection();
  p.marks = {};
  pc.oniceconnectionstatechange = () => { p.marks["ice-" + pc.iceConnectionState] ??= performance.now(); };
  pc.onconnectionstatechange = () => { p.marks["pc-" + pc.connectionState] ??= performance.now(); };
  for (const t of p.stream.getTracks()) pc.addTrack(t, p.stream);
  pc.onicecandidate = (e) => send({ type: "candidate", candidate: e.candidate ? e.candidate.toJSON() : null });
  const video = document.createElement("video");
  video.autoplay = true; video.muted = true; video.playsInline = true; video.width = 320;
  document.body.appendChild(video);
  p.video = video;
  p.firstFrame = new Promise((resolve) => video.requestVideoFrameCallback(() => resolve(performance.now())));
  pc.ontrack = (e) => {
    if (e.track.kind !== "video") return;
    p.marks.track ??= performance.now();
    video.srcObject = new MediaStream([e.track]);
    video.play().catch(() => {});
  };
  p.pc = pc;
  return pc;
};
const remoteUfrag = () => (/a=ice-ufrag:(\\S+)/.exec(p.pc.remoteDescription.sdp) || [])[1];
const addCandidate = async (c) => {
  // drop late candidates of a previous call
  if (c.usernameFragment && c.usernameFragment !== remoteUfrag()) return;
  await p.pc.addIceCandidate(c).catch(() => {});
};
p.call = async () => {
  p.pending = [];
  p.t0 = performance.now();
  const pc = p.newPc();
  await pc.setLocalDescription(await pc.createOffer());
  send({ type: "offer", sdp: pc.localDescription.sdp });
};
let chain = Promise.resolve();
bc.onmessage = (ev) => { chain = chain.then(() => onSignal(ev.data)).catch((e) => console.error(e)); };
async function onSignal(m) {
  if (m.type === "offer") {
    const pc = p.newPc();
    await pc.setRemoteDescription({ type: "offer", sdp: m.sdp });
    for (const c of p.pending.splice(0)) await addCandidate(c);
    await pc.setLocalDescription(await pc.createAnswer());
    send({ type: "answer", sdp: pc.localDescription.sdp });
  } else if (m.type === "answer") {
    await p.pc.setRemoteDescription({ type: "answer", sdp: m.sdp });
    for (const c of p.pending.splice(0)) await addCandidate(c);
  } else if (m.type === "candidate" && m.candidate) {
    // candidates can overtake the offer/answer: keep them until there is a remote description
    if (!p.pc || !p.pc.remoteDescription) p.pending.push(m.candidate);
    else await addCandidate(m.candidate);
  } else if (m.type === "hangup") {
    p.hangup();
  }
}
p.hangup = () => {
  p.pending = [];
  if (p.pc) p.pc.close();
  p.pc = null;
  if (p.video) p.video.remove();
  p.video = null;
};
p.measure = async () => {
  await p.call();
  try {
    const t1 = await Promise.race([
      p.firstFrame,
      new Promise((_, rej) => setTimeout(() => rej(new Error("no remote frame in 20 s: " + JSON.stringify(p.marks))), 20000)),
    ]);
    const rel = (t) => (t ? Math.round(t - p.t0) : null);
    const detail = {};
    for (const [k, v] of Object.entries(p.marks)) detail[k] = rel(v);
    return { ms: t1 - p.t0, detail };
  } finally {
    send({ type: "hangup" });
    p.hangup();
  }
};
</script></body>`;

async function p2pPage(ctx: BrowserContext, role: string): Promise<Page> {
  const page = await ctx.newPage();
  await page.route(`${P2P_ORIGIN}/**`, (r) => r.fulfill({ contentType: "text/html", body: P2P_PAGE }));
  await page.goto(`${P2P_ORIGIN}/p2p#${role}`);
  return page;
}

async function measureP2p(browser: Browser, runs: number, width: number, height: number): Promise<number[]> {
  const ctx = await newMediaContext(browser);
  const caller = await p2pPage(ctx, "caller");
  const callee = await p2pPage(ctx, "callee");
  for (const pg of [caller, callee]) await pg.evaluate(([w, h]) => (window as any).__p2p.start(w, h), [width, height]);
  await caller.waitForTimeout(1000); // both cameras running

  const results: number[] = [];
  for (let i = 0; i < WARMUPS + runs; i++) {
    type M = { ms: number; detail: Record<string, number | null> };
    const once = () => caller.evaluate(() => (window as any).__p2p.measure()) as Promise<M>;
    const { ms, detail } = await once().catch(async (e) => {
      console.log(`  p2p call failed (${String(e).split("\n")[0]}); retrying once`);
      await caller.waitForTimeout(1000);
      return once();
    });
    const label = i < WARMUPS ? "warm-up (discarded)" : `run ${i - WARMUPS + 1}`;
    console.log(`  p2p ${label}: ${fmt(ms)}${VERBOSE ? `  ${JSON.stringify(detail)}` : ""}`);
    if (i >= WARMUPS) results.push(ms);
    await caller.waitForTimeout(700);
  }
  await ctx.close();
  return results;
}

// ---- (b) SFU ----------------------------------------------------------------------------

async function startServer(): Promise<{ baseURL: string; stop(): Promise<void> }> {
  if (process.env.BENCH_BASE_URL) return { baseURL: process.env.BENCH_BASE_URL, stop: async () => {} };
  if (!hasProductionBuild()) {
    console.log("no production build in .next/ — running `next build` (a few minutes on 2 cores)...");
    const r = spawnSync("npx", ["next", "build"], { cwd: ROOT, stdio: "inherit" });
    if (r.status !== 0) throw new Error("next build failed");
  }
  const { baseURL, env } = appServerEnv("BENCH");
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  let exited = false;
  child.on("exit", () => (exited = true));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited) throw new Error("server exited during start-up");
    try {
      const r = await fetch(baseURL + "/");
      if (r.status < 500) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`server did not answer on ${baseURL} within 120 s`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    baseURL,
    async stop() {
      const dir = process.env.BENCH_DB_DIR;
      if (dir && dir.startsWith(os.tmpdir())) rmSync(dir, { recursive: true, force: true });
      if (exited) return;
      const gone = new Promise((r) => child.once("exit", r));
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {}
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
      if (!exited) {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {}
      }
    },
  };
}

type SfuRun = { ms: number; metrics: unknown };

async function measureSfu(browser: Browser, baseURL: string, runs: number): Promise<SfuRun[]> {
  const room: MeetingRoom = await createMeetingRoom(browser, baseURL);
  // The publisher: already in the room, camera + mic on.
  const pubCtx = await newMediaContext(browser);
  const pub = await pubCtx.newPage();
  await gotoPrejoin(pub, room, "Publisher", baseURL);
  await pub.getByTestId("prejoin-join").click();
  await pub.getByTestId("local-video").waitFor({ state: "visible", timeout: 30_000 });
  await pub.waitForTimeout(1500);

  const results: SfuRun[] = [];
  for (let i = 0; i < WARMUPS + runs; i++) {
    const ctx = await newMediaContext(browser);
    await ctx.addInitScript(mediaProbeInit);
    const page = await ctx.newPage();
    await gotoPrejoin(page, room, `Newcomer ${i}`, baseURL);
    // Pre-join fully warmed: preview playing and the UI's warm-up done ("Connected": socket,
    // token, router capabilities, device.load(), transports), then a pause so that the
    // click does not compete with warm-up work.
    await page.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid="prejoin-preview"], [data-testid="local-video"]');
      return !!v && v.readyState >= 2;
    }, undefined, { timeout: 20_000 });
    await page.getByText("Connected", { exact: true }).waitFor({ timeout: 20_000 }).catch(() => {
      console.log("  (no 'Connected' warm-up indicator seen; measuring anyway)");
    });
    await page.waitForFunction(() => {
      const b = document.querySelector<HTMLButtonElement>('[data-testid="prejoin-join"]');
      return !!b && !b.disabled;
    }, undefined, { timeout: 20_000 });
    await page.waitForTimeout(1500);
    await page.getByTestId("prejoin-join").click();
    const r = await page.waitForFunction(
      () => {
        const j = (window as any).__e2eJoin;
        return j && j.click !== null && j.firstFrame !== null ? { ms: j.firstFrame - j.click, peer: j.firstFramePeer } : null;
      },
      undefined,
      { timeout: 30_000, polling: 50 },
    );
    const { ms } = (await r.jsonValue()) as { ms: number };
    const metrics = await page.evaluate(() => (window as any).__meetMetrics ?? null);
    const label = i < WARMUPS ? "warm-up (discarded)" : `run ${i - WARMUPS + 1}`;
    console.log(`  sfu ${label}: ${fmt(ms)}${metrics ? `  __meetMetrics=${JSON.stringify(metrics)}` : ""}`);
    if (i >= WARMUPS) results.push({ ms, metrics });
    await page.getByTestId("leave").click().catch(() => {});
    await ctx.close();
    await pub.waitForTimeout(1000);
  }
  await pubCtx.close();
  return results;
}

async function main() {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  let server: { baseURL: string; stop(): Promise<void> } | null = null;
  try {
    const load = os.loadavg()[0];
    console.log(
      `join-latency: ${WARMUPS} warm-up + ${RUNS} measured runs each; Chromium ${browser.version()}; ` +
        `${os.cpus().length} cores; load average ${load.toFixed(2)}`,
    );
    if (load > 1.5) console.log("WARNING: the machine is busy; figures will be inflated. Run it on an idle machine.");
    let p2p: number[] = [];
    let sfu: SfuRun[] = [];
    if (ONLY !== "sfu") {
      console.log("(a) P2P floor: direct RTCPeerConnection between two pages, call -> first remote frame");
      // the same camera the room captures (lib/client/local-media.ts), unless told otherwise
      const w = Number(process.env.BENCH_VIDEO_WIDTH ?? idealOf(CAMERA_CONSTRAINTS.width, 1280));
      const h = Number(process.env.BENCH_VIDEO_HEIGHT ?? idealOf(CAMERA_CONSTRAINTS.height, 720));
      console.log(
        `    camera ${w}x${h}${process.env.BENCH_VIDEO_WIDTH || process.env.BENCH_VIDEO_HEIGHT ? " (BENCH_VIDEO_WIDTH/HEIGHT)" : " (the room's capture size)"}`,
      );
      p2p = await measureP2p(browser, RUNS, w, h);
    }
    if (ONLY !== "p2p") {
      server = await startServer();
      console.log(`(b) SFU: publisher in the room, newcomer clicks prejoin-join -> first remote frame (${server.baseURL})`);
      sfu = await measureSfu(browser, server.baseURL, RUNS);
    }
    console.log("");
    if (p2p.length) console.log(`P2P p50: ${fmt(p50(p2p))}   (runs: ${p2p.map((x) => x.toFixed(0)).join(", ")})`);
    if (sfu.length) {
      console.log(`SFU p50: ${fmt(p50(sfu.map((r) => r.ms)))}   (runs: ${sfu.map((r) => r.ms.toFixed(0)).join(", ")})`);
      // where the SFU time goes: p50 of each of the room client's marks (ms after the click)
      const keys = [...new Set(sfu.flatMap((r) => Object.keys((r.metrics as Record<string, number>) ?? {})))];
      const marks = keys
        .map((k) => {
          const xs = sfu.map((r) => (r.metrics as Record<string, number> | null)?.[k]).filter((x): x is number => typeof x === "number");
          return [k, p50(xs), xs.length] as const;
        })
        .sort((a, b) => a[1] - b[1]);
      if (marks.length)
        console.log(`SFU p50 marks (ms after click, window.__meetMetrics): ${marks.map(([k, v, n]) => `${k}=${v.toFixed(0)}${n < sfu.length ? `(${n}/${sfu.length})` : ""}`).join("  ")}  firstFrame=${p50(sfu.map((r) => r.ms)).toFixed(0)}`);
    }
    if (p2p.length && sfu.length) {
      const ratio = p50(sfu.map((r) => r.ms)) / p50(p2p);
      console.log(`ratio SFU/P2P: ${ratio.toFixed(2)}  (target <= 2.0: ${ratio <= 2 ? "met" : "NOT met"})`);
    }
  } finally {
    await browser.close();
    await server?.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
