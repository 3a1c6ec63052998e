// History page bench (issue 9): 10 000 sessions (+ ~5 attendances each) in the database, the
// admin history page must render in < 300 ms of server time. Starts its own production
// server (needs `next build`), seeds its SQLite file, signs in as the admin over HTTP and
// times GET requests on loopback (request sent -> last byte; no browser, so this is the
// server's render time plus a loopback round trip).
//
// Baseline in the same run: the same page with a filter that matches nothing (same auth,
// layout, host list and queries, empty table). Each figure is printed as p50 / p95 and as a
// ratio to the baseline's p50.
//
//   npm run bench:history                 # 10 000 sessions, 15 measured runs per page
//   npm run bench:history -- --sessions 20000 --runs 25
import { performance } from "node:perf_hooks";
import os from "node:os";
import { createPrismaClient } from "../lib/db";
import { hashPassword } from "../lib/auth/users";
import { hasProductionBuild } from "../e2e/fixtures/server-env";
import { AppServer } from "../e2e/fixtures/app-server";
import path from "node:path";

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const SESSIONS = arg("sessions", 10_000);
const RUNS = arg("runs", 15);
const TARGET_MS = 300;
const ADMIN = { email: "bench-admin@example.test", password: "bench-password-123" };

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function seed(dbUrl: string) {
  const db = createPrismaClient(dbUrl);
  const t0 = performance.now();
  const admin = await db.user.create({
    data: { email: ADMIN.email, name: "Bench Admin", role: "ADMIN", emailVerified: new Date(), passwordHash: await hashPassword(ADMIN.password) },
  });
  const hosts = [];
  for (let i = 0; i < 50; i++) hosts.push(await db.user.create({ data: { email: `host${i}@example.test`, name: `Host ${i}` } }));
  const meetings: { id: string; hostId: string }[] = [];
  for (let i = 0; i < 500; i++) {
    const host = hosts[i % hosts.length];
    meetings.push(
      await db.meeting.create({
        data: { title: `Meeting ${i}`, hostId: host.id, startsAt: new Date(Date.UTC(2030, 0, 1)), durationMinutes: 60, timeZone: "UTC", inviteToken: `bench-${i}-${Math.random().toString(36).slice(2)}`.padEnd(32, "x") },
        select: { id: true, hostId: true },
      }),
    );
  }
  const start = Date.UTC(2030, 0, 1);
  const span = 365 * 86_400_000;
  let attendances = 0;
  const ids: string[] = [];
  for (let i = 0; i < SESSIONS; i += 500) {
    const batch = [];
    for (let j = i; j < Math.min(SESSIONS, i + 500); j++) {
      const startedAt = new Date(start + Math.floor((j / SESSIONS) * span));
      const id = `bs${String(j).padStart(7, "0")}`;
      ids.push(id);
      batch.push({ id, meetingId: meetings[j % meetings.length].id, startedAt, endedAt: new Date(startedAt.getTime() + 45 * 60_000), lastSeenAt: startedAt, peakParticipants: 4, endReason: "empty" });
    }
    await db.meetingSession.createMany({ data: batch });
    const rows = batch.flatMap((s, k) =>
      Array.from({ length: 3 + ((i + k) % 5) }, (_, p) => ({
        sessionId: s.id,
        participantKey: p === 0 ? meetings[(i + k) % meetings.length].hostId : `guest:${s.id}-${p}`,
        displayName: p === 0 ? "Host" : `Guest ${p}`,
        isGuest: p !== 0,
        role: p === 0 ? "host" : "guest",
        joinedAt: s.startedAt,
        leftAt: s.endedAt,
        lastSeenAt: s.endedAt,
        inMeetingMs: 40 * 60_000,
        joinCount: 1 + (p % 2),
        qualitySamples: 100,
        meanPacketLoss: 0.5,
        maxPacketLoss: 3,
        meanRttMs: 40,
        meanSendKbps: 800,
        meanRecvKbps: 1500,
      })),
    );
    attendances += rows.length;
    await db.attendance.createMany({ data: rows });
  }
  await db.$disconnect();
  return { admin, hostId: hosts[7].id, sessionId: ids[Math.floor(ids.length / 2)], attendances, seedMs: performance.now() - t0 };
}

/**
 * fetch, retried once when a kept-alive socket was closed by the server while idle (the seed
 * takes longer than the server's keep-alive timeout).
 */
async function fetchOnce(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    if ((err as { cause?: { code?: string } }).cause?.code !== "UND_ERR_SOCKET") throw err;
    return fetch(url, init);
  }
}

/** next-auth credentials sign-in over HTTP; returns the Cookie header of the session. */
async function signIn(base: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const [k, ...v] = pair.split("=");
      jar.set(k, v.join("="));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const csrfRes = await fetchOnce(`${base}/api/auth/csrf`);
  keep(csrfRes);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const res = await fetchOnce(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() },
    body: new URLSearchParams({ csrfToken, email: ADMIN.email, password: ADMIN.password, json: "true" }),
  });
  keep(res);
  if (![...jar.keys()].some((k) => k.includes("session-token"))) throw new Error(`sign-in failed (${res.status})`);
  return cookie();
}

async function time(url: string, cookie: string, expect: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetchOnce(url, { headers: { cookie } });
  const body = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200 || !body.includes(expect)) throw new Error(`${url}: ${res.status}, no "${expect}"`);
  return ms;
}

async function main() {
  if (!hasProductionBuild()) throw new Error("run `npx next build` first (the bench measures the production server)");
  console.log(`history bench: ${SESSIONS} sessions, ${RUNS} runs per page; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}`);
  const server = new AppServer({ numWorkers: 1, env: { LOG_LEVEL: "error" } });
  await server.start(120_000);
  const app = { baseURL: server.localURL, dbUrl: `file:${path.join(server.dbDir, "meet.db")}` };
  try {
    const s = await seed(app.dbUrl);
    console.log(`seeded ${SESSIONS} sessions, ${s.attendances} attendances in ${(s.seedMs / 1000).toFixed(1)} s`);
    const cookie = await signIn(app.baseURL);
    const pages: { name: string; path: string; expect: string }[] = [
      { name: "baseline: /admin, filter matching nothing", path: "/admin?from=2099-01-01", expect: "No sessions match" },
      { name: "/admin (page 1, newest)", path: "/admin", expect: `data-session-id="bs${String(SESSIONS - 1).padStart(7, "0")}"` },
      { name: "/admin?page=250 (deep page)", path: "/admin?page=250", expect: "data-testid=\"history-row\"" },
      { name: "/admin?host=… (one host)", path: `/admin?host=${s.hostId}`, expect: "sessions" },
      { name: "/admin?from&to (one month)", path: "/admin?from=2030-06-01&to=2030-06-30", expect: "sessions" },
      { name: "/admin/sessions/[id] (detail + timeline)", path: `/admin/sessions/${s.sessionId}`, expect: "Call quality over time" },
      { name: "CSV of one month with attendance", path: "/api/admin/sessions.csv?from=2030-06-01&to=2030-06-30", expect: "participant_name" },
    ];
    const results: { name: string; p50: number; p95: number }[] = [];
    for (const p of pages) {
      const url = `${app.baseURL}${p.path}`;
      for (let w = 0; w < 3; w++) await time(url, cookie, p.expect); // warm-up (JIT, caches)
      const xs: number[] = [];
      for (let r = 0; r < RUNS; r++) xs.push(await time(url, cookie, p.expect));
      results.push({ name: p.name, p50: pct(xs, 50), p95: pct(xs, 95) });
    }
    const base = results[0].p50;
    console.log("\n| page | p50 (ms) | p95 (ms) | p50 / baseline |\n|---|---:|---:|---:|");
    for (const r of results) console.log(`| ${r.name} | ${r.p50.toFixed(0)} | ${r.p95.toFixed(0)} | ${(r.p50 / base).toFixed(2)} |`);
    const worst = Math.max(...results.slice(1, 5).map((r) => r.p50));
    console.log(`\nhistory page, worst p50: ${worst.toFixed(0)} ms (target < ${TARGET_MS} ms): ${worst < TARGET_MS ? "met" : "NOT met"}`);
    if (worst >= TARGET_MS) process.exitCode = 1;
  } finally {
    await server.dispose();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
