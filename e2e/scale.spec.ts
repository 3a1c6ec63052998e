// Issue 7: rooms that scale. Real browsers, a server of the test's own per group:
// - a viewer whose downlink is capped (network namespace, tc tbf) keeps a smooth, smaller
//   picture while an uncapped viewer gets the large one (simulcast + per-viewer layers);
// - shrinking a tile lowers the layer it receives; a tile on another page of the grid is
//   paused on the server, its publisher stops sending (dynacast), and a frame arrives within
//   1 s of showing it;
// - only the unmuted person is marked speaking; the speaker layout shows them large;
// - a room spread over two workers (threshold lowered): everyone decodes everyone.
import { expect, test } from "@playwright/test";
import { AppServer } from "./fixtures/app-server";
import { decodingOf, joinWith, roomDetail } from "./fixtures/layers";
import { expectRemoteVideosDecoding, tilesOf } from "./fixtures/media";
import { capDownlink, createNetHost, destroyNetHost, netnsUnavailableReason, type NetHost } from "./fixtures/netns";
import { closePerson, launchPerson, meetingOn, type Person } from "./fixtures/resilience";
import type { MeetingRoom } from "./fixtures/room";

const noNetns = netnsUnavailableReason();

test.describe("a capped downlink gets a lower layer, smoothly (network namespace)", () => {
  // One retry, reported as "flaky" when used: under tbf, mediasoup's bandwidth estimate
  // sometimes collapses for a few seconds (to ~140 kbit/s on a 300 kbit/s link), and the
  // lowest layer then drops to its base temporal layer (~8 fps) for the measured window.
  test.describe.configure({ mode: "serial", retries: 1 });
  test.skip(noNetns !== null, noNetns ?? "");
  let net: NetHost;
  let server: AppServer;
  let room: MeetingRoom;
  let ana: Person; // publishes
  let ben: Person; // watches, downlink capped
  let cid: Person; // watches, uncapped, in a large window (a tile wider than 640 px)

  test.beforeAll(async () => {
    test.setTimeout(150_000);
    net = createNetHost("scl");
    server = new AppServer({ announcedAddress: net.hostIp });
    await server.start();
    room = await meetingOn(server);
    ana = await launchPerson("Ana", server.localURL);
    ben = await launchPerson("Ben", server.urlVia(net.hostIp), net);
    cid = await launchPerson("Cid", server.localURL);
    await cid.page.setViewportSize({ width: 1600, height: 900 });
    await joinWith(ana, room, { camera: true, mic: true });
    await Promise.all([joinWith(ben, room, { camera: false, mic: false }), joinWith(cid, room, { camera: false, mic: false })]);
    await Promise.all([
      expectRemoteVideosDecoding(ben.page, [{ peerName: "Ana" }], { timeout: 30_000 }),
      expectRemoteVideosDecoding(cid.page, [{ peerName: "Ana" }], { timeout: 30_000 }),
    ]);
  });

  test.afterAll(async () => {
    for (const p of [ana, ben, cid]) await closePerson(p);
    await server?.dispose();
    if (net) destroyNetHost(net);
  });

  test.afterEach(async ({}, info) => {
    if (info.status !== info.expectedStatus) console.log(`[server log]\n${server.output}`);
  });

  test("300 kbit/s: ≥ 12 frames/s on a lower layer; the uncapped viewer gets ≥ 640 px", async () => {
    test.setTimeout(120_000);
    capDownlink(net, 300);
    // Both viewers measured over the same window. The SFU's bandwidth estimate needs a few
    // seconds to find the cap (and, for the uncapped viewer's large tile, to ramp up).
    const both = async (ms: number) => {
      const [capped, uncapped] = await Promise.all([decodingOf(ben.page, "Ana", ms), decodingOf(cid.page, "Ana", ms)]);
      return { capped, uncapped };
    };
    const good = ({ capped, uncapped }: Awaited<ReturnType<typeof both>>) =>
      !!capped &&
      !!uncapped &&
      capped.fps >= 12 &&
      capped.frameWidth > 0 &&
      capped.frameWidth < uncapped.frameWidth &&
      uncapped.frameWidth >= 640;
    // settled = two windows in a row (the first seconds overshoot: the estimate starts high)
    let last: unknown = null;
    let goodInARow = 0;
    await expect
      .poll(
        async () => {
          const m = await both(3000);
          last = m;
          goodInARow = good(m) ? goodInARow + 1 : 0;
          return goodInARow >= 2;
        },
        { timeout: 75_000, intervals: [0] },
      )
      .toBe(true);
    console.log(`[scale] settled: ${JSON.stringify(last)}`);
    const steady = await both(6000);
    console.log(`[scale] 6 s window: ${JSON.stringify(steady)}`);
    expect(steady.capped, "capped viewer decodes").not.toBeNull();
    expect(steady.capped!.fps, "capped viewer: smooth").toBeGreaterThanOrEqual(12);
    expect(steady.capped!.frameWidth, "capped viewer: a lower layer than the uncapped one").toBeLessThan(steady.uncapped!.frameWidth);
    expect(steady.uncapped!.frameWidth, "uncapped viewer: ≥ 640 px").toBeGreaterThanOrEqual(640);
    // quality in both directions: Ben sends nothing, but what he receives is squeezed
    const benAtCid = cid.page.locator('[data-peer-name="Ben"] [data-testid="quality-indicator"]');
    await expect.poll(() => benAtCid.getAttribute("data-quality"), { timeout: 10_000 }).toMatch(/^(good|poor)$/);
    console.log(`[scale] Ben's quality at Cid: ${await benAtCid.getAttribute("aria-label")}`);
    const cidAtBen = ben.page.locator('[data-peer-name="Cid"] [data-testid="quality-indicator"]');
    // the level with its tooltip, so a failure says which figure kept it down
    const levelOf = async () => `${await cidAtBen.getAttribute("data-quality")}: ${await cidAtBen.getAttribute("aria-label")}`;
    await expect.poll(levelOf, { timeout: 10_000 }).toMatch(/^excellent:/);
  });
});

test.describe("per-viewer layers and dynacast", () => {
  test.describe.configure({ mode: "serial" });
  let server: AppServer;
  let room: MeetingRoom;
  let ana: Person; // publishes, joins last (so she is on the second page of the small grids)
  let ben: Person; // watches in a large window, then shrinks it
  let cid: Person; // watches in a small window

  test.beforeAll(async () => {
    test.setTimeout(150_000);
    server = new AppServer();
    await server.start();
    room = await meetingOn(server);
    ben = await launchPerson("Ben", server.localURL);
    cid = await launchPerson("Cid", server.localURL);
    ana = await launchPerson("Ana", server.localURL);
    await ben.page.setViewportSize({ width: 1280, height: 720 });
    await cid.page.setViewportSize({ width: 480, height: 400 });
    await joinWith(ben, room, { camera: false, mic: false });
    await joinWith(cid, room, { camera: false, mic: false });
    await joinWith(ana, room, { camera: true, mic: false });
    await expectRemoteVideosDecoding(ben.page, [{ peerName: "Ana" }], { timeout: 30_000 });
  });

  test.afterAll(async () => {
    for (const p of [ana, ben, cid]) await closePerson(p);
    await server?.dispose();
  });

  test.afterEach(async ({}, info) => {
    if (info.status !== info.expectedStatus) console.log(`[server log]\n${server.output}`);
  });

  test("shrinking the tile lowers the layer it receives", async () => {
    let big: Awaited<ReturnType<typeof decodingOf>> = null;
    await expect
      .poll(
        async () => {
          big = await decodingOf(ben.page, "Ana", 1500);
          return big?.frameWidth ?? 0;
        },
        { timeout: 20_000, intervals: [0] },
      )
      .toBeGreaterThanOrEqual(640);
    // smaller tiles, but all three still on one page (at 640 px the controls wrap to two
    // rows and Ana's tile moves to page 2)
    await ben.page.setViewportSize({ width: 900, height: 420 });
    // a window without a decoding sample (the tile re-laid out) is no answer: keep polling
    await expect
      .poll(async () => (await decodingOf(ben.page, "Ana", 1000))?.frameWidth ?? Number.POSITIVE_INFINITY, {
        timeout: 15_000,
        intervals: [0],
      })
      .toBeLessThan(big!.frameWidth);
    let small: Awaited<ReturnType<typeof decodingOf>> = null;
    await expect
      .poll(
        async () => {
          small = await decodingOf(ben.page, "Ana", 2000);
          return small?.fps ?? 0;
        },
        { timeout: 10_000, intervals: [0], message: "still decoding after the switch" },
      )
      .toBeGreaterThan(5);
    console.log(`[scale] tile shrunk: ${big!.frameWidth} -> ${small!.frameWidth} px wide at ${small!.fps} fps`);
    expect(small!.frameWidth, "the smaller layer").toBeLessThan(big!.frameWidth);
  });

  test("a tile on another page is paused on the server and its publisher stops; shown again, a frame within 1 s", async () => {
    test.setTimeout(60_000);
    // both viewers' grids now hold one other tile per page: Ana (joined last) is on page 2
    await ben.page.setViewportSize({ width: 480, height: 400 });
    await expect(ben.page.getByTestId("grid-page")).toHaveText("Page 1 of 2");
    await expect(tilesOf(ben.page, "Ana")).toHaveCount(0);
    await expect(tilesOf(cid.page, "Ana")).toHaveCount(0);
    await expect.poll(async () => (await server.stats()).hiddenConsumers, { timeout: 5_000 }).toBe(2);
    // nobody sees Ana's camera: after dynacast's downgrade delay her browser sends no video
    const sentVideoBytes = () =>
      ana.page.evaluate(async () => {
        let bytes = 0;
        for (const pc of (window as unknown as { __e2ePcs: RTCPeerConnection[] }).__e2ePcs) {
          if (pc.signalingState === "closed") continue;
          (await pc.getStats()).forEach((s: any) => {
            if (s.type === "outbound-rtp" && s.kind === "video") bytes += s.bytesSent ?? 0;
          });
        }
        return bytes;
      });
    await expect
      .poll(
        async () => {
          const a = await sentVideoBytes();
          await ana.page.waitForTimeout(1000);
          return (await sentVideoBytes()) - a;
        },
        { timeout: 15_000, intervals: [0] },
      )
      .toBe(0);

    // Ben turns to page 2: Ana's video is back within a second
    const ms = await ben.page.evaluate(async () => {
      const decoded = async () => {
        const v = document.querySelector<HTMLVideoElement>('[data-testid="remote-tile"][data-peer-name="Ana"] video');
        const track = (v?.srcObject as MediaStream | null)?.getVideoTracks()[0];
        if (!track) return -1;
        let n = -1;
        for (const pc of (window as unknown as { __e2ePcs: RTCPeerConnection[] }).__e2ePcs) {
          if (pc.signalingState === "closed") continue;
          (await pc.getStats()).forEach((s: any) => {
            if (s.type === "inbound-rtp" && s.trackIdentifier === track.id) n = s.framesDecoded ?? 0;
          });
        }
        return n;
      };
      const t0 = performance.now();
      document.querySelector<HTMLButtonElement>('[data-testid="grid-page-next"]')!.click();
      let first = -1;
      while (performance.now() - t0 < 5000) {
        const n = await decoded();
        if (n >= 0 && first < 0) first = n;
        if (first >= 0 && n > first) return performance.now() - t0;
        await new Promise((r) => setTimeout(r, 20));
      }
      return Number.POSITIVE_INFINITY;
    });
    console.log(`[scale] page 2 shown: first new frame of Ana after ${Math.round(ms)} ms`);
    expect(ms, "a frame within 1 s of showing the tile").toBeLessThan(1000);
    await expectRemoteVideosDecoding(ben.page, [{ peerName: "Ana" }], { timeout: 5_000 });
    // Cid still does not see her: one hidden consumer left
    await expect.poll(async () => (await server.stats()).hiddenConsumers, { timeout: 5_000 }).toBe(1);
  });
});

test.describe("active speaker", () => {
  test.describe.configure({ mode: "serial" });
  let server: AppServer;
  let room: MeetingRoom;
  const people: Person[] = [];

  test.beforeAll(async () => {
    test.setTimeout(150_000);
    server = new AppServer();
    await server.start();
    room = await meetingOn(server);
    for (const name of ["Ana", "Ben", "Cid"]) people.push(await launchPerson(name, server.localURL));
    for (const p of people) await joinWith(p, room, { camera: false, mic: true });
  });

  test.afterAll(async () => {
    for (const p of people) await closePerson(p);
    await server?.dispose();
  });

  test.afterEach(async ({}, info) => {
    if (info.status !== info.expectedStatus) console.log(`[server log]\n${server.output}`);
  });

  test("only the unmuted person is speaking at the others; the speaker layout shows them large", async () => {
    test.setTimeout(60_000);
    const [ana, ben, cid] = people;
    for (const p of [ben, cid]) {
      await p.page.getByTestId("toggle-mic").click();
      await expect(p.page.getByTestId("toggle-mic")).toHaveAttribute("aria-pressed", "false");
    }
    const speakingAt = (viewer: Person, name: string) =>
      viewer.page.locator(`[data-peer-name="${name}"][data-speaking]`).first().getAttribute("data-speaking");
    // Ana's fake microphone beeps: she is marked speaking at both others
    for (const viewer of [ben, cid]) {
      await expect.poll(() => speakingAt(viewer, "Ana"), { timeout: 15_000 }).toBe("true");
    }
    // and over a few seconds, the muted ones never are (anywhere), Ana mostly is
    await ana.page.waitForTimeout(2_000); // let a speaking mark from before the mute expire
    const seen = { anaTrue: 0, samples: 0, mutedTrue: [] as string[] };
    for (let i = 0; i < 16; i++) {
      for (const [viewer, muted] of [
        [ben, "Cid"],
        [cid, "Ben"],
        [ana, "Ben"],
        [ana, "Cid"],
      ] as const) {
        if ((await speakingAt(viewer, muted)) !== "false") seen.mutedTrue.push(`${muted} at ${viewer.name}`);
      }
      if ((await speakingAt(ben, "Ana")) === "true") seen.anaTrue++;
      seen.samples++;
      await ana.page.waitForTimeout(250);
    }
    expect(seen.mutedTrue, "muted people are never marked speaking").toEqual([]);
    expect(seen.anaTrue, `Ana speaking in most samples (${seen.anaTrue}/${seen.samples})`).toBeGreaterThanOrEqual(seen.samples / 2);

    // the speaker layout: Ana (the active speaker) on the stage at Ben
    const toggle = ben.page.getByTestId("layout-toggle");
    await expect(toggle).toHaveAttribute("aria-pressed", "false");
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-pressed", "true");
    await expect(ben.page.getByRole("region", { name: "Active speaker" }).locator('[data-peer-name="Ana"]')).toHaveCount(1);
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-pressed", "false");
    await expect(ben.page.getByRole("region", { name: "Active speaker" })).toHaveCount(0);
  });
});

test.describe("a room spread over two workers", () => {
  test.describe.configure({ mode: "serial" });
  let server: AppServer;
  let room: MeetingRoom;
  const people: Person[] = [];

  test.beforeAll(async () => {
    test.setTimeout(150_000);
    // the threshold lowered so that three people need two routers
    server = new AppServer({ numWorkers: 2, env: { ROUTER_CONSUMER_THRESHOLD: "2" } });
    await server.start();
    room = await meetingOn(server);
    for (const name of ["Ana", "Ben", "Cid"]) people.push(await launchPerson(name, server.localURL));
    for (const p of people) await joinWith(p, room, { camera: true, mic: false });
  });

  test.afterAll(async () => {
    for (const p of people) await closePerson(p);
    await server?.dispose();
  });

  test.afterEach(async ({}, info) => {
    if (info.status !== info.expectedStatus) console.log(`[server log]\n${server.output}`);
  });

  test("the room spans both workers and every peer decodes every other", async () => {
    test.setTimeout(90_000);
    const routers = await roomDetail(server.localURL, room.roomId);
    console.log(`[scale] routers: ${JSON.stringify(routers)}`);
    expect(new Set(routers.map((r) => r.worker)).size, "two workers").toBe(2);
    expect(routers.reduce((n, r) => n + r.peers, 0)).toBe(3);
    await Promise.all(
      people.map((me) =>
        expectRemoteVideosDecoding(
          me.page,
          people.filter((p) => p !== me).map((p) => ({ peerName: p.name })),
          { timeout: 30_000, label: me.name },
        ),
      ),
    );
  });
});
