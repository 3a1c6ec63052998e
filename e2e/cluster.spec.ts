// Issue 10: several nodes on this machine — two production servers on their own ports, one
// redis-server, one PostgreSQL cluster (started here) — with real browsers:
// placement whichever node serves the page, meetings spread over nodes, a cancel on one node
// ending the room on the other, and SIGKILL of the node hosting a call (media back on the
// other node within 10 s, no reload, no click, one session and one attendance per person).
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { baseUrl } from "./fixtures/app";
import { nodeStats, startCluster, type TestCluster, type TestNode } from "./fixtures/cluster";
import { cameraTiles, expectRemoteVideosDecoding } from "./fixtures/media";
import { createMeetingRoom, joinRoom, newParticipantContext, type MeetingRoom } from "./fixtures/room";

test.describe.configure({ mode: "serial" });

const MAX_PEERS_PER_NODE = 2;

type P = { name: string; ctx: BrowserContext; page: Page };

/** The room as seen through another node's origin (same invite, page served by `node`). */
function via(room: MeetingRoom, node: TestNode): MeetingRoom {
  const u = new URL(room.inviteUrl);
  return { ...room, inviteUrl: `${node.baseURL}${u.pathname}${u.search}` };
}

async function join(browser: Browser, room: MeetingRoom, node: TestNode, name: string): Promise<P> {
  const ctx = await newParticipantContext(browser, { baseURL: node.baseURL });
  const page = await ctx.newPage();
  await joinRoom(page, { room: via(room, node), name });
  return { name, ctx, page };
}

async function expectPairDecodes(a: P, b: P, timeout = 20_000): Promise<void> {
  await Promise.all(
    [
      [a, b],
      [b, a],
    ].map(async ([me, other]) => {
      await expect(cameraTiles(me.page)).toHaveCount(1, { timeout });
      await expect(me.page.getByTestId("participant-count")).toHaveText("2", { timeout });
      await expectRemoteVideosDecoding(me.page, [{ peerName: other.name }], { timeout, label: me.name });
    }),
  );
}

/** The one live node with `joined` joined peers, while every other node has none. */
async function hostingNode(cluster: TestCluster, joined: number): Promise<TestNode> {
  const live = cluster.nodes.filter((n) => n.alive);
  const counts = async () => (await Promise.all(live.map(nodeStats))).map((s) => s.joinedPeers);
  await expect
    .poll(async () => [...(await counts())].sort((x, y) => x - y), { timeout: 15_000, message: "joined peers per node" })
    .toEqual([...live.slice(1).map(() => 0), joined]);
  const c = await counts();
  return live[c.indexOf(joined)];
}

test.describe("several nodes on Redis + PostgreSQL", () => {
  test.setTimeout(180_000);
  let cluster: TestCluster;
  const people: P[] = [];

  test.beforeAll(async () => {
    test.setTimeout(300_000);
    // a node takes at most 2 joined peers of a room before the room spans another node
    cluster = await startCluster(["node-a", "node-b"], { NODE_MAX_PEERS: String(MAX_PEERS_PER_NODE) });
  });
  test.afterAll(async () => {
    for (const p of people) await p.ctx.close().catch(() => {});
    await cluster?.stop();
  });
  test.afterEach(async ({}, testInfo) => {
    if (testInfo.status === testInfo.expectedStatus || !cluster) return;
    for (const n of cluster.nodes) await testInfo.attach(`${n.id}.log`, { body: n.log(), contentType: "text/plain" });
    for (const n of cluster.nodes) console.log(`---- ${n.id} ----\n${n.log().slice(-6000)}`);
  });

  async function leave(...ps: P[]): Promise<void> {
    for (const p of ps) {
      await p.ctx.close();
      people.splice(people.indexOf(p), 1);
    }
  }

  test("peers of one meeting land on the same node whichever node served their page", async ({ browser }) => {
    const [a, b] = cluster.nodes;
    const room = await createMeetingRoom(browser, a.baseURL);
    const ana = await join(browser, room, a, "Ana");
    const ben = await join(browser, room, b, "Ben");
    people.push(ana, ben);
    await expectPairDecodes(ana, ben);
    await hostingNode(cluster, 2);
    await leave(ana, ben);
  });

  test("two meetings spread over the two nodes; cancelling one on the other node ends its room", async ({ browser }) => {
    const [a, b] = cluster.nodes;
    const first = await createMeetingRoom(browser, a.baseURL);
    const second = await createMeetingRoom(browser, a.baseURL);
    const cleo = await join(browser, first, a, "Cleo");
    people.push(cleo);
    const firstHost = await hostingNode(cluster, 1);
    const dan = await join(browser, second, a, "Dan");
    people.push(dan);
    await expect
      .poll(async () => (await Promise.all(cluster.nodes.map(nodeStats))).map((s) => s.rooms), { timeout: 15_000 })
      .toEqual([1, 1]);
    const secondHost = cluster.nodes.find((n) => n !== firstHost)!;

    // The host cancels the second meeting through the node that does NOT host it.
    const hostCtx = await browser.newContext({ storageState: second.host!.storageState });
    try {
      const page = await hostCtx.newPage();
      await page.goto(`${firstHost.baseURL}/meetings/${second.roomId}`);
      await page.getByTestId("cancel-meeting").click();
      await expect(page.getByTestId("meeting-cancelled-note")).toBeVisible({ timeout: 15_000 });
    } finally {
      await hostCtx.close();
    }
    await expect(dan.page.getByTestId("meeting-ended")).toBeVisible({ timeout: 20_000 });
    await expect(dan.page.getByTestId("meeting-ended")).toContainText(/cancel/i);
    await expect.poll(async () => (await nodeStats(secondHost)).rooms, { timeout: 15_000 }).toBe(0);
    expect((await nodeStats(firstHost)).joinedPeers, "the other meeting goes on").toBe(1);
    await leave(cleo, dan);
    void b;
  });

  test("a room cascaded across two nodes: the peer on the second node and those on the first decode each other", async ({ browser }) => {
    const [a, b] = cluster.nodes;
    void b;
    const room = await createMeetingRoom(browser, a.baseURL);
    const gus = await join(browser, room, a, "Gus");
    const hana = await join(browser, room, b, "Hana");
    people.push(gus, hana);
    const home = await hostingNode(cluster, MAX_PEERS_PER_NODE);
    const edge = cluster.nodes.find((n) => n !== home)!;
    // the home's heartbeat says it is full; the next participant goes to the other node
    await expect.poll(() => cluster.registeredPeers(home.id), { timeout: 5000 }).toBe(MAX_PEERS_PER_NODE);
    const ivo = await join(browser, room, a, "Ivo");
    people.push(ivo);
    await expect.poll(async () => (await nodeStats(edge)).rooms, { timeout: 10_000 }).toBe(1);
    const all = [gus, hana, ivo];
    await Promise.all(
      all.map(async (me) => {
        await expect(cameraTiles(me.page)).toHaveCount(2, { timeout: 20_000 });
        await expect(me.page.getByTestId("participant-count")).toHaveText("3", { timeout: 20_000 });
        await expectRemoteVideosDecoding(me.page, all.filter((o) => o !== me).map((o) => ({ peerName: o.name })), { timeout: 20_000, label: me.name });
      }),
    );
    // Ivo really is on the other node: the edge holds exactly one participant's transports
    // (the others are there as remote peers, fed over the pipe), the home two participants'
    const [homeStats, edgeStats] = await Promise.all([nodeStats(home), nodeStats(edge)]);
    expect(edgeStats.transports, "edge: Ivo's send + recv transports").toBe(2);
    expect(homeStats.transports, "home: Gus's and Hana's").toBe(4);
    await leave(gus, hana, ivo);
    await expect.poll(async () => (await Promise.all(cluster.nodes.map(nodeStats))).map((s) => s.rooms), { timeout: 15_000 }).toEqual([0, 0]);
  });

  test("SIGKILL of the node hosting a call: media flows again on the other node within 10 s", async ({ browser, request }) => {
    const [a] = cluster.nodes;
    const room = await createMeetingRoom(browser, a.baseURL);
    // Where will the room live? Asking for a token places it; the pages come from the OTHER
    // node (the one that survives), as a load balancer would route them.
    const res = await request.post(`${a.baseURL}/api/rooms/${room.roomId}/join-token`, { data: { inviteToken: room.inviteToken, displayName: "probe" } });
    expect(res.status()).toBe(200);
    const { signalingUrl } = (await res.json()) as { signalingUrl?: string };
    expect(signalingUrl, "several nodes: the reply says where to connect").toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
    const doomed = cluster.nodes.find((n) => signalingUrl!.startsWith(n.baseURL.replace("http", "ws")))!;
    const survivor = cluster.nodes.find((n) => n !== doomed)!;

    const eve = await join(browser, room, survivor, "Eve");
    const finn = await join(browser, room, survivor, "Finn");
    people.push(eve, finn);
    await expectPairDecodes(eve, finn);
    expect((await nodeStats(doomed)).joinedPeers).toBe(2);
    for (const p of [eve, finn]) await p.page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

    const killedAt = Date.now();
    await doomed.kill("SIGKILL");
    // both directions decode again (fresh 2 s windows), without reload or click
    await expectPairDecodes(eve, finn, 10_000);
    const recovered = Date.now() - killedAt;
    console.log(`[cluster] media back ${recovered} ms after SIGKILL of ${doomed.id}`);
    expect(recovered).toBeLessThanOrEqual(10_000);
    for (const p of [eve, finn]) {
      expect(await p.page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload), `${p.name}: no reload`).toBe(true);
    }
    expect((await nodeStats(survivor)).joinedPeers).toBe(2);

    // history: one session (continued by the survivor), one attendance per person
    await expect
      .poll(async () => {
        const h = await cluster.history(room.roomId);
        return { sessions: h.sessions.map((s) => s.nodeId), people: h.attendances.map((x) => x.displayName).sort() };
      }, { timeout: 40_000 }) // the survivor takes the session over within a flush period (10 s)
      .toEqual({ sessions: [survivor.id], people: ["Eve", "Finn"] });
    await leave(eve, finn);
  });
});

test("the one-machine default needs no Redis, PostgreSQL or coturn", async ({ request }) => {
  // the suite's own server: no REDIS_URL, SQLite, no TURN_URLS
  const res = await request.get(`${baseUrl()}/readyz`);
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(Object.keys(body.checks).sort()).toEqual(["database", "workers"]);
  const metrics = await (await request.get(`${baseUrl()}/metrics`)).text();
  expect(metrics).toMatch(/^meet_node_info\{node="[^"]+",state="ready"\} 1$/m);
  const token = await request.post(`${baseUrl()}/api/rooms/does-not-exist/join-token`, { data: {} });
  expect(token.status()).toBe(404); // the route works without a cluster (no signalingUrl anywhere)
});
