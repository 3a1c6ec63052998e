// Issue 2: multi-party rooms through the SFU, in Debian's Chromium with fake camera/mic/screen.
// ONE serial scenario in one room (each fake-camera Chromium context costs a lot of CPU on
// 2 cores): 3 join -> a 4th joins late -> quality -> screen share -> camera mute -> leave ->
// close a page.
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { baseUrl, sfuStats, waitForStats, type SfuStats } from "./fixtures/app";
import {
  cameraTiles,
  expectRemoteAudioLive,
  expectRemoteVideoFrozen,
  expectRemoteVideosDecoding,
  peerIdsByName,
  remoteAudio,
  remoteVideoFramesDecoded,
  tilesOf,
} from "./fixtures/media";
import { createMeetingRoom, joinRoom, newParticipantContext, type MeetingRoom } from "./fixtures/room";

test.describe.configure({ mode: "serial" });

type P = { name: string; ctx: BrowserContext; page: Page };

test.describe("multi-party room", () => {
  let room: MeetingRoom;
  const people: P[] = [];
  const others = (me: P) => people.filter((p) => p !== me);
  let baseline: SfuStats;

  test.beforeAll(async ({ browser, request }) => {
    baseline = await sfuStats(request);
    room = await createMeetingRoom(browser, baseUrl());
  });

  test.afterAll(async () => {
    for (const p of people) await p.ctx.close().catch(() => {});
  });

  /** Each person counts everyone and decodes every other person's camera. */
  async function expectEveryoneSeesEveryone(): Promise<void> {
    await Promise.all(
      people.map(async (me) => {
        await expect(cameraTiles(me.page)).toHaveCount(people.length - 1, { timeout: 20_000 });
        await expect(me.page.getByTestId("participant-count")).toHaveText(String(people.length));
        await expectRemoteVideosDecoding(
          me.page,
          others(me).map((o) => ({ peerName: o.name })),
          { label: me.name },
        );
      }),
    );
  }

  async function addParticipant(browser: import("@playwright/test").Browser, name: string): Promise<P> {
    const ctx = await newParticipantContext(browser);
    const page = await ctx.newPage();
    const p = { name, ctx, page };
    people.push(p);
    await joinRoom(page, { room, name });
    return p;
  }

  test("3 participants: each decodes 2 remote cameras and hears 2 live remote audio tracks", async ({ browser, request }) => {
    // the three join at the same time (as people do when a meeting starts)
    const names = ["Ana", "Ben", "Cleo"];
    const ctxs = await Promise.all(names.map(() => newParticipantContext(browser)));
    const pages = await Promise.all(ctxs.map((c) => c.newPage()));
    names.forEach((name, i) => people.push({ name, ctx: ctxs[i], page: pages[i] }));
    await Promise.all(people.map((p) => joinRoom(p.page, { room, name: p.name })));
    await expectEveryoneSeesEveryone();
    // audio: each page has a live, playing remote track per other peer, with packets flowing
    await Promise.all(
      people.map(async (me) => {
        const ids = await peerIdsByName(me.page);
        await expectRemoteAudioLive(me.page, others(me).map((o) => ids[o.name]), { label: me.name });
      }),
    );
    const s = await sfuStats(request);
    expect(s.peers - baseline.peers).toBe(3);
  });

  test("a 4th joins late: gets all 3, and the others get the 4th without reloading", async ({ browser }) => {
    const navigations = new Map<Page, number>();
    for (const p of people) {
      navigations.set(p.page, 0);
      p.page.on("framenavigated", (f) => {
        if (f === p.page.mainFrame()) navigations.set(p.page, navigations.get(p.page)! + 1);
      });
    }
    const dan = await addParticipant(browser, "Dan");
    await expectEveryoneSeesEveryone();
    const ids = await peerIdsByName(dan.page);
    await expectRemoteAudioLive(dan.page, others(dan).map((o) => ids[o.name]), { label: "Dan" });
    for (const [page, n] of navigations) expect(n, "no reload / navigation of the earlier participants").toBe(0);
  });

  test("quality-indicator shows a real level for every remote tile", async () => {
    for (const me of people) {
      const tiles = cameraTiles(me.page);
      const n = await tiles.count();
      for (let i = 0; i < n; i++) {
        // levels arrive with the periodic qualityUpdate (~2 s)
        await expect(tiles.nth(i).getByTestId("quality-indicator")).toHaveAttribute(
          "data-quality",
          /^(excellent|good|poor|lost)$/,
          { timeout: 10_000 },
        );
      }
      // loopback, media flowing: never "lost"
      const samples = await remoteVideoFramesDecoded(me.page);
      for (const t of samples) expect(t.quality, `${me.name} sees ${t.peerName}`).not.toBe("lost");
    }
  });

  test("screen share appears at the others as data-source=screen; stopping removes it", async () => {
    const [ana] = people;
    const toggle = ana.page.getByTestId("toggle-screen");
    await expect(toggle).toHaveAttribute("aria-pressed", "false");
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-pressed", "true", { timeout: 10_000 });
    await Promise.all(
      others(ana).map(async (me) => {
        await expect(tilesOf(me.page, ana.name, "screen")).toHaveCount(1, { timeout: 15_000 });
        await expectRemoteVideosDecoding(me.page, [{ peerName: ana.name, source: "screen" }], { label: me.name });
        // the camera tile stays
        await expect(tilesOf(me.page, ana.name, "camera")).toHaveCount(1);
      }),
    );
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-pressed", "false", { timeout: 10_000 });
    await Promise.all(
      others(ana).map((me) => expect(tilesOf(me.page, ana.name, "screen")).toHaveCount(0, { timeout: 5_000 })),
    );
  });

  test("camera mute pauses the producer: the others' tile shows muted; unmute -> frames grow again", async () => {
    const ben = people[1];
    const toggle = ben.page.getByTestId("toggle-camera");
    await expect(toggle).toHaveAttribute("aria-pressed", "true");
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-pressed", "false", { timeout: 10_000 });
    await Promise.all(
      others(ben).map(async (me) => {
        await expect(tilesOf(me.page, ben.name, "camera")).toHaveAttribute("data-muted", "true", { timeout: 5_000 });
      }),
    );
    // paused at the SFU: nothing is decoded any more
    await expectRemoteVideoFrozen(people[0].page, ben.name);

    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-pressed", "true", { timeout: 10_000 });
    await Promise.all(
      others(ben).map(async (me) => {
        await expect(tilesOf(me.page, ben.name, "camera")).toHaveAttribute("data-muted", "false", { timeout: 5_000 });
        await expectRemoteVideosDecoding(me.page, [{ peerName: ben.name }], { label: me.name });
      }),
    );
  });

  test("mic mute pauses the audio producer: no audio packets reach the others; unmute -> they flow again", async () => {
    const [ana, ben] = people;
    const toggle = ben.page.getByTestId("toggle-mic");
    await expect(toggle).toHaveAttribute("aria-pressed", "true");
    const benId = (await peerIdsByName(ana.page))[ben.name];
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-pressed", "false", { timeout: 10_000 });
    await ana.page.waitForTimeout(500); // packets in flight
    const a = (await remoteAudio(ana.page)).find((x) => x.peerId === benId);
    await ana.page.waitForTimeout(2000);
    const b = (await remoteAudio(ana.page)).find((x) => x.peerId === benId);
    // the <audio> may stay (paused consumer) or go; if it stays, nothing arrives
    if (a && b) expect(b.packetsReceived ?? 0, "audio packets while muted").toBeLessThanOrEqual((a.packetsReceived ?? 0) + 2);
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-pressed", "true", { timeout: 10_000 });
    await expectRemoteAudioLive(ana.page, [benId], { label: "Ana hears Ben again" });
  });

  test("leave: the others' tiles for that peer disappear within 3 s; its transports are freed", async ({ request }) => {
    const dan = people[3];
    const before = await sfuStats(request);
    const t0 = Date.now();
    await dan.page.getByTestId("leave").click();
    await Promise.all(others(dan).map((me) => expect(tilesOf(me.page, dan.name)).toHaveCount(0, { timeout: 3_000 })));
    const gone = Date.now() - t0;
    await expect(dan.page.getByTestId("left-screen")).toBeVisible();
    // Dan's send+recv transports, camera+mic producers, his 3x2 consumers and the others' 3x2 of him
    await waitForStats(
      request,
      (s) =>
        s.peers === before.peers - 1 &&
        s.transports === before.transports - 2 &&
        s.producers === before.producers - 2 &&
        s.consumers === before.consumers - 12,
      { message: `after leave (before: ${JSON.stringify(before)})` },
    );
    for (const me of others(dan)) await expect(me.page.getByTestId("participant-count")).toHaveText("3");
    console.log(`[rooms] ${dan.name}'s tiles gone at the others ${gone} ms after leave`);
    await dan.ctx.close();
    people.splice(3, 1);
  });

  test("closing a page: the others' tiles for that peer disappear within 3 s; transports freed", async ({ request }) => {
    const cleo = people[2];
    const before = await sfuStats(request);
    const t0 = Date.now();
    await cleo.page.close();
    await Promise.all(
      people.slice(0, 2).map((me) => expect(tilesOf(me.page, cleo.name)).toHaveCount(0, { timeout: 3_000 })),
    );
    const gone = Date.now() - t0;
    await waitForStats(
      request,
      (s) =>
        s.peers === before.peers - 1 &&
        s.transports === before.transports - 2 &&
        s.producers === before.producers - 2 &&
        s.consumers === before.consumers - 8,
      { message: `after page close (before: ${JSON.stringify(before)})` },
    );
    console.log(`[rooms] ${cleo.name}'s tiles gone at the others ${gone} ms after closing the page`);
    await cleo.ctx.close();
    people.splice(2, 1);

    // and when the last two leave, the room is gone and everything is freed
    for (const p of people) await p.page.getByTestId("leave").click();
    await waitForStats(
      request,
      (s) =>
        s.peers === baseline.peers &&
        s.transports === baseline.transports &&
        s.producers === baseline.producers &&
        s.consumers === baseline.consumers,
      { message: `back to baseline ${JSON.stringify(baseline)}`, timeout: 10_000 },
    );
  });
});
