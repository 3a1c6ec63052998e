// Issue 9: attendance reports. A guest who joins twice is one row with both stays summed;
// the host reads it on the meeting page and as CSV; another user gets 403; an admin (made
// with `npm run user:admin`) sees every report and the session's quality timeline.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { baseUrl } from "./fixtures/app";
import { cameraTiles, expectRemoteVideosDecoding } from "./fixtures/media";
import { clickJoin, gotoPrejoin, newAccount, newParticipantContext, scheduleMeeting, signUp, uniqueSuffix } from "./fixtures/room";
import { ROOT } from "./fixtures/server-env";

test("a guest who joins twice is one attendance row (2 joins, time summed); CSV; 403 for others; admin timeline", async ({ browser }) => {
  test.setTimeout(120_000);
  const hostCtx = await newParticipantContext(browser, { baseURL: baseUrl() });
  const host = await hostCtx.newPage();
  await signUp(host, newAccount("Reporter"));
  const m = await scheduleMeeting(host, { title: `Attendance ${uniqueSuffix()}`, durationMinutes: 60 });
  const room = { roomId: m.meetingId, inviteUrl: m.inviteUrl };

  await host.getByTestId("join-meeting").click();
  await expect(host.getByTestId("prejoin-name")).toBeVisible({ timeout: 20_000 });
  await host.getByTestId("prejoin-name").fill("Rita Host");
  await clickJoin(host);

  const guestCtx = await newParticipantContext(browser, { baseURL: baseUrl() });
  const guest = await guestCtx.newPage();
  const started = Date.now();
  for (let stay = 0; stay < 2; stay++) {
    await gotoPrejoin(guest, room, "Gina Twice");
    await clickJoin(guest);
    await expect(cameraTiles(host).filter({ hasText: "Gina Twice" })).toHaveCount(1, { timeout: 20_000 });
    await expectRemoteVideosDecoding(guest, [{ peerName: "Rita Host" }], { label: `guest stay ${stay + 1}` });
    await guest.getByTestId("leave").click();
    await expect(guest.getByTestId("left-screen")).toBeVisible();
    await expect(cameraTiles(host).filter({ hasText: "Gina Twice" })).toHaveCount(0, { timeout: 20_000 });
  }
  const guestDone = Date.now();
  await host.getByTestId("leave").click();
  await expect(host.getByTestId("left-screen")).toBeVisible();

  // the host's meeting page: one row per person, the guest with 2 joins
  const rows = host.getByTestId("attendance-row");
  await expect(async () => {
    await host.goto(m.meetingUrl);
    await expect(rows).toHaveCount(2, { timeout: 1000 });
    await expect(host.getByTestId("session-report").first()).not.toContainText("live", { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  const guestRow = rows.and(host.locator('[data-name="Gina Twice"]'));
  await expect(guestRow).toHaveAttribute("data-joins", "2");
  await expect(guestRow).toHaveAttribute("data-role", "guest");
  await expect(rows.and(host.locator('[data-name="Rita Host"]'))).toHaveAttribute("data-joins", "1");
  await expect(rows.and(host.locator('[data-name="Rita Host"]'))).toHaveAttribute("data-role", "host");
  const guestSeconds = Number(await guestRow.getAttribute("data-in-meeting-seconds"));
  expect(guestSeconds, "both stays counted").toBeGreaterThanOrEqual(2);
  expect(guestSeconds, "not more than the time between first join and last leave").toBeLessThanOrEqual(Math.ceil((guestDone - started) / 1000) + 2);

  // the CSV of that session
  const report = host.getByTestId("session-report").first();
  const sessionId = (await report.getAttribute("data-session-id"))!;
  const href = await report.getByTestId("attendance-csv").getAttribute("href");
  expect(href).toBe(`/api/sessions/${sessionId}/attendance.csv`);
  const csvRes = await hostCtx.request.get(href!);
  expect(csvRes.status()).toBe(200);
  expect(csvRes.headers()["content-type"]).toContain("text/csv");
  const lines = (await csvRes.text()).trimEnd().split("\r\n");
  expect(lines[0]).toContain("participant_name,participant_email,role,first_join_utc,last_leave_utc,in_meeting_seconds,joins,reconnects");
  expect(lines).toHaveLength(3);
  const header = lines[0].split(",");
  const guestLine = lines.find((l) => l.includes("Gina Twice"))!.split(",");
  expect(guestLine[header.indexOf("joins")]).toBe("2");
  expect(Number(guestLine[header.indexOf("in_meeting_seconds")])).toBe(guestSeconds);

  // another signed-in user: 403 on the report and the meeting page
  const otherCtx = await browser.newContext({ baseURL: baseUrl() });
  const other = await otherCtx.newPage();
  const nosy = newAccount("Nosy");
  await signUp(other, nosy);
  expect((await otherCtx.request.get(href!)).status()).toBe(403);
  expect((await other.goto(m.meetingUrl))?.status()).toBe(403);
  expect((await otherCtx.request.get("/api/sessions/no-such-session/attendance.csv")).status()).toBe(404);
  expect((await browser.newContext({ baseURL: baseUrl() }).then((c) => c.request.get(href!))).status()).toBe(401);

  // the operator command makes that user an admin: now they may read it, with the timeline
  const dbFile = path.join(process.env.E2E_DB_DIR!, "meet.db");
  const cli = spawnSync(process.execPath, ["--import", "tsx", "scripts/user-admin.ts", nosy.email], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: `file:${dbFile}` },
  });
  expect(cli.status, cli.stderr).toBe(0);
  expect(cli.stdout).toContain(`${nosy.email} is now an admin`);
  expect((await otherCtx.request.get(href!)).status(), "admins read every report").toBe(200);
  await other.goto(`/admin/sessions/${sessionId}`);
  await expect(other.getByTestId("attendance-row")).toHaveCount(2);
  const timeline = other.locator('[data-testid="quality-timeline"][data-participant="Gina Twice"]');
  await expect(timeline).toHaveAttribute("data-events", "join,leave,join,leave");
  await expect(timeline.locator(".recharts-wrapper > svg.recharts-surface")).toBeVisible();
  await expect(timeline.locator(".recharts-reference-line")).toHaveCount(4); // the joins and leaves, marked
  await expect(other.locator('[data-testid="quality-timeline"][data-participant="Rita Host"]')).toHaveAttribute("data-events", "join,leave");

  await Promise.all([hostCtx.close(), guestCtx.close(), otherCtx.close()]);
});
