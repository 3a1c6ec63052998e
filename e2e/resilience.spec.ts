// Issue 6: calls that survive real faults. Each test faults for real — a network namespace's
// link pulled, its address changed, its TCP socket killed, every mediasoup worker SIGKILLed,
// the server stopped and started — and then requires, with no click and no reload, that
// both directions decode video again within 5 s of the fault's end, with one tile per
// person and the right participant count. Network tests are skipped (and say why) where
// namespaces cannot be created.
import { expect, test } from "@playwright/test";
import { AppServer } from "./fixtures/app-server";
import {
  changeAddress,
  createNetHost,
  destroyNetHost,
  killTcpTo,
  linkDown,
  linkUp,
  netnsUnavailableReason,
  type NetHost,
} from "./fixtures/netns";
import {
  closePerson,
  expectMediaBothWays,
  expectSameCall,
  historyOf,
  joinAs,
  launchPerson,
  meetingOn,
  recoveryCounters,
  type Person,
} from "./fixtures/resilience";
import { tilesOf } from "./fixtures/media";
import type { MeetingRoom } from "./fixtures/room";

test.describe.configure({ mode: "serial" });

/** "within 5 s of the fault's end" */
const RECOVERY_MS = 5_000;
const GRACE_SECONDS = 8;

const noNetns = netnsUnavailableReason();

test.describe("network faults on one peer (network namespace)", () => {
  test.skip(noNetns !== null, noNetns ?? "");
  // One retry, reported as "flaky" when used. After an address change the browser learns of
  // its new network only ~2 s later (Chromium's network-change delay on Linux), so the ICE
  // restart completes at ~2.2 s, and its restarted bandwidth estimate then paces out what
  // queued during the outage before the first new picture: 2.7-4.4 s measured here against
  // the 5 s bar, closer to it on a loaded machine.
  test.describe.configure({ retries: 1 });
  let net: NetHost;
  let server: AppServer;
  let room: MeetingRoom;
  let ana: Person; // on the host
  let ben: Person; // inside the namespace: the one whose network fails

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    net = createNetHost("res");
    server = new AppServer({ announcedAddress: net.hostIp, env: { RECONNECT_GRACE_SECONDS: String(GRACE_SECONDS) } });
    await server.start();
    room = await meetingOn(server);
    ana = await launchPerson("Ana", server.localURL);
    ben = await launchPerson("Ben", server.urlVia(net.hostIp), net);
    await Promise.all([joinAs(ana, room), joinAs(ben, room)]);
    await expectMediaBothWays(ana, ben, 30_000, "initial");
  });

  test.afterAll(async () => {
    await closePerson(ana);
    await closePerson(ben);
    await server?.dispose();
    if (net) destroyNetHost(net);
  });

  test.afterEach(async ({}, info) => {
    if (info.status !== info.expectedStatus) console.log(`[server log]\n${server.output}`);
  });

  test("the signaling socket alone is killed: resume, no ICE restart, media both ways", async () => {
    const before = await recoveryCounters(ben);
    killTcpTo(net, server.port);
    const t0 = Date.now();
    await expect.poll(async () => (await recoveryCounters(ben)).resumes, { timeout: RECOVERY_MS }).toBe(before.resumes + 1);
    await expectMediaBothWays(ana, ben, RECOVERY_MS - (Date.now() - t0), "socket killed");
    const after = await recoveryCounters(ben);
    expect(after.rejoins, "resumed, not rejoined").toBe(before.rejoins);
    expect(after.iceRestarts, "media path untouched: no ICE restart").toBe(before.iceRestarts);
    await expectSameCall([ana, ben]);
  });

  test("link down for 3 s: media both ways again within 5 s, no reload, no click", async () => {
    linkDown(net);
    // the others see Ben as reconnecting, not gone
    await expect(tilesOf(ana.page, "Ben")).toHaveAttribute("data-reconnecting", "true", { timeout: 6_000 });
    await expect(ben.page.getByTestId("reconnecting-banner")).toBeVisible();
    await new Promise((r) => setTimeout(r, 3_000)); // the outage itself lasts 3 s
    linkUp(net);
    const t0 = Date.now();
    await expectMediaBothWays(ana, ben, RECOVERY_MS, "after link up");
    console.log(`[resilience] link down 3 s: media both ways ${Date.now() - t0} ms after link up`);
    await expect(tilesOf(ana.page, "Ben")).toHaveAttribute("data-reconnecting", "false", { timeout: RECOVERY_MS });
    await expect(ben.page.getByTestId("reconnecting-banner")).toHaveCount(0);
    await expectSameCall([ana, ben]);
  });

  test("network change (the address changes): back within 5 s as the same person", async () => {
    const before = await recoveryCounters(ben);
    changeAddress(net);
    const t0 = Date.now();
    // frames still in flight decode for a moment after the change: count only what comes
    // after Ben noticed the break and came back (resumed: same peer on the server)
    await expect
      .poll(async () => (await recoveryCounters(ben)).resumes, { timeout: RECOVERY_MS, intervals: [50] })
      .toBe(before.resumes + 1);
    await expectMediaBothWays(ana, ben, RECOVERY_MS - (Date.now() - t0), "after address change");
    console.log(`[resilience] address change: media both ways ${Date.now() - t0} ms after the change`);
    const after = await recoveryCounters(ben);
    expect(after.rejoins, "same peer on the server: resumed").toBe(before.rejoins);
    expect(after.iceRestarts, "the dead paths were restarted").toBeGreaterThan(before.iceRestarts);
    await expectSameCall([ana, ben]);
  });

  test("grace expiry: a peer that never comes back disappears for the others", async () => {
    linkDown(net);
    await expect(tilesOf(ana.page, "Ben")).toHaveAttribute("data-reconnecting", "true", { timeout: 6_000 });
    // kept for the grace period, then gone: no ghost
    await expect(tilesOf(ana.page, "Ben")).toHaveCount(0, { timeout: (GRACE_SECONDS + 6) * 1000 });
    await expect(ana.page.getByTestId("participant-count")).toHaveText("1");
    await expect.poll(async () => (await server.stats()).joinedPeers).toBe(1);
    // the network returns later: Ben rejoins by himself, as the same participant
    linkUp(net);
    await expectMediaBothWays(ana, ben, 20_000, "after rejoin");
    expect((await recoveryCounters(ben)).rejoins).toBeGreaterThan(0);
    await expectSameCall([ana, ben]);
    const h = await historyOf(server, room.roomId);
    expect(h.sessions, "one meeting session").toBe(1);
    const keys = h.attendances.map((a) => a.participantKey);
    expect(new Set(keys).size, `one attendance per person: ${JSON.stringify(h.attendances)}`).toBe(keys.length);
    expect(h.attendances.filter((a) => a.displayName === "Ben")).toHaveLength(1);
  });
});

test.describe("server-side faults", () => {
  let server: AppServer;
  let room: MeetingRoom;
  let ana: Person;
  let ben: Person;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    server = new AppServer();
    await server.start();
    room = await meetingOn(server);
    ana = await launchPerson("Ana", server.localURL);
    ben = await launchPerson("Ben", server.localURL);
    await Promise.all([joinAs(ana, room), joinAs(ben, room)]);
    await expectMediaBothWays(ana, ben, 30_000, "initial");
  });

  test.afterAll(async () => {
    await closePerson(ana);
    await closePerson(ben);
    await server?.dispose();
  });

  test.afterEach(async ({}, info) => {
    if (info.status !== info.expectedStatus) console.log(`[server log]\n${server.output}`);
  });

  test("SIGKILL of every mediasoup worker: the room moves, media both ways within 5 s", async () => {
    const before = await recoveryCounters(ana);
    const killed = server.killWorkers();
    expect(killed.length).toBe(2);
    const t0 = Date.now();
    // count only frames of the rebuilt media (a frame still in a jitter buffer is no recovery)
    await expect
      .poll(async () => (await recoveryCounters(ana)).mediaResets, { timeout: RECOVERY_MS, intervals: [50] })
      .toBeGreaterThan(before.mediaResets);
    await expectMediaBothWays(ana, ben, RECOVERY_MS - (Date.now() - t0), "after worker kill");
    console.log(`[resilience] workers killed: media both ways ${Date.now() - t0} ms later`);
    await expectSameCall([ana, ben]);
    const s = await server.stats();
    expect(s.joinedPeers).toBe(2);
    expect(s.workers).toBe(2);
  });

  test("server restart (SIGTERM, same port and database): back within 5 s of listening; one session, one attendance each", async () => {
    test.setTimeout(120_000);
    // Ana mutes her microphone: after the restart it must still be muted, for her and for Ben
    await ana.page.getByTestId("toggle-mic").click();
    await expect(ana.page.getByTestId("toggle-mic")).toHaveAttribute("aria-pressed", "false");
    await expect(tilesOf(ben.page, "Ana").getByRole("img", { name: "Microphone muted" })).toBeVisible();
    await server.stop("SIGTERM");
    await expect(ana.page.getByTestId("reconnecting-banner")).toBeVisible();
    await server.start();
    const t0 = Date.now();
    await expectMediaBothWays(ana, ben, RECOVERY_MS, "after restart");
    console.log(`[resilience] restart: media both ways ${Date.now() - t0} ms after the server listened again`);
    await expectSameCall([ana, ben]);
    expect((await recoveryCounters(ana)).rejoins).toBeGreaterThan(0);
    await expect(ana.page.getByTestId("toggle-mic")).toHaveAttribute("aria-pressed", "false");
    await expect(tilesOf(ben.page, "Ana").getByRole("img", { name: "Microphone muted" })).toBeVisible();
    await expect(ana.page.getByTestId("toggle-camera")).toHaveAttribute("aria-pressed", "true");
    const h = await historyOf(server, room.roomId);
    expect(h.sessions, `one meeting session: ${JSON.stringify(h)}`).toBe(1);
    expect(h.attendances.map((a) => a.displayName).sort()).toEqual(["Ana", "Ben"]);
    expect(h.attendances.every((a) => a.open), "both attendances open again").toBe(true);
  });
});
