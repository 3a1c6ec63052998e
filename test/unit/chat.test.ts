// Chat rules: what is accepted (length, invisible characters), the per-person rate limit, the
// history kept for late joiners and reconnecting people, link parsing that only ever makes
// http(s) links; then the same through the real signaling server and mediasoup worker.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CHAT_HISTORY_LIMIT, CHAT_MAX_LENGTH, responseSchemas, type ChatMessage } from "../../lib/signaling/protocol";
import { checkChatText, normalizeChatText } from "../../lib/chat/text";
import { safeHref, splitLinks } from "../../lib/chat/links";
import { RequestError } from "../../server/rooms/errors";
import type { Peer } from "../../server/rooms/peer";
import { RoomChat, CHAT_BURST, type ArchivedChatMessage } from "../../server/rooms/room-chat";
import { joinedClient, startTestServer, TestClient, workerMissingReason, type TestServer } from "./sfu-test-helpers";

describe("chat text", () => {
  test("up to CHAT_MAX_LENGTH characters; empty and whitespace-only refused", () => {
    assert.deepEqual(checkChatText("x".repeat(CHAT_MAX_LENGTH)), { ok: true, text: "x".repeat(CHAT_MAX_LENGTH) });
    assert.deepEqual(checkChatText("x".repeat(CHAT_MAX_LENGTH + 1)), { ok: false, reason: "too-long" });
    assert.deepEqual(checkChatText("   \n\t "), { ok: false, reason: "empty" });
    assert.deepEqual(checkChatText(""), { ok: false, reason: "empty" });
  });

  test("control and bidi-override characters are removed; newlines kept; CRLF unified", () => {
    assert.equal(normalizeChatText("  a\u0000b\u202Ec\r\nd\u2066e  "), "abc\nde");
    assert.equal(normalizeChatText("one\n\n\n\n\n\ntwo"), "one\n\n\ntwo");
    assert.deepEqual(checkChatText("\u202E\u0007"), { ok: false, reason: "empty" });
  });

  test("markup is just text", () => {
    const hostile = `<img src=x onerror="window.__pwned=1">`;
    assert.equal(normalizeChatText(hostile), hostile);
    assert.deepEqual(splitLinks(hostile), [{ kind: "text", text: hostile }]);
  });
});

describe("chat links", () => {
  test("http and https URLs and bare www. hosts become links; the rest stays text", () => {
    assert.deepEqual(splitLinks("see https://example.org/a?b=1#c and http://x.test"), [
      { kind: "text", text: "see " },
      { kind: "link", text: "https://example.org/a?b=1#c", href: "https://example.org/a?b=1#c" },
      { kind: "text", text: " and " },
      { kind: "link", text: "http://x.test", href: "http://x.test/" },
    ]);
    assert.deepEqual(splitLinks("www.example.org"), [
      { kind: "link", text: "www.example.org", href: "https://www.example.org/" },
    ]);
  });

  test("javascript:, data:, vbscript:, file: and friends never become links", () => {
    for (const text of [
      "javascript:alert(1)",
      "JavaScript:alert(document.cookie)",
      " javascript://example.org/%0Aalert(1)",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox(1)",
      "file:///etc/passwd",
      "ftp://example.org",
    ]) {
      const segments = splitLinks(text);
      assert.ok(segments.every((s) => s.kind === "text"), `${text} -> ${JSON.stringify(segments)}`);
    }
    assert.equal(safeHref("javascript:alert(1)"), null);
    assert.equal(safeHref("https://bank.example@evil.example/"), null, "credentials in a URL hide the real host");
    assert.equal(safeHref("https://"), null);
  });

  test("a URL embedded after a javascript: prefix is still only the http(s) part", () => {
    const segments = splitLinks("javascript:fetch('https://evil.example/x')");
    const links = segments.filter((s) => s.kind === "link");
    for (const l of links) assert.match(l.href, /^https:\/\//);
    assert.equal(segments.map((s) => s.text).join(""), "javascript:fetch('https://evil.example/x')");
  });

  test("sentence punctuation is not part of the link; balanced parentheses are", () => {
    assert.deepEqual(splitLinks("go to https://example.org."), [
      { kind: "text", text: "go to " },
      { kind: "link", text: "https://example.org", href: "https://example.org/" },
      { kind: "text", text: "." },
    ]);
    assert.deepEqual(splitLinks("(https://example.org/x)"), [
      { kind: "text", text: "(" },
      { kind: "link", text: "https://example.org/x", href: "https://example.org/x" },
      { kind: "text", text: ")" },
    ]);
    const wiki = splitLinks("https://en.wikipedia.org/wiki/Foo_(bar)!");
    assert.deepEqual(wiki[0], { kind: "link", text: "https://en.wikipedia.org/wiki/Foo_(bar)", href: "https://en.wikipedia.org/wiki/Foo_(bar)" });
  });

  test("the segments always add up to the original text", () => {
    const text = "a https://x.test/ b www.y.test, javascript:z() <b>c</b> https://q.test/(1)).";
    assert.equal(splitLinks(text).map((s) => s.text).join(""), text);
  });
});

type FakePeer = Peer & { received: ChatMessage[] };
function fakePeer(id: string, over: Partial<Peer> = {}): FakePeer {
  const received: ChatMessage[] = [];
  return {
    id,
    displayName: id.toUpperCase(),
    participantKey: `key-${id}`,
    joined: true,
    meetingId: "m1",
    received,
    notify: (_name: string, data: ChatMessage) => void received.push(data),
    ...over,
  } as unknown as FakePeer;
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof RequestError, String(e));
    return e.code;
  }
  return "ok";
}

describe("room chat", () => {
  test("relays to the others (not back to the sender), trimmed, with the sender's name", () => {
    const chat = new RoomChat({ roomId: "r" });
    const [a, b, c] = [fakePeer("a"), fakePeer("b"), fakePeer("c")];
    const m = chat.send(a, "  hello  ", [a, b, c]);
    assert.equal(m.text, "hello");
    assert.equal(m.fromName, "A");
    assert.equal(m.fromPeerId, "a");
    assert.deepEqual(a.received, []);
    assert.deepEqual(b.received, [m]);
    assert.deepEqual(c.received, [m]);
  });

  test("refuses before join, empty and too long messages", () => {
    const chat = new RoomChat({ roomId: "r" });
    assert.equal(code(() => chat.send(fakePeer("a", { joined: false }), "hi", [])), "NOT_JOINED");
    assert.equal(code(() => chat.send(fakePeer("a"), " \u202E ", [])), "BAD_REQUEST");
    assert.equal(code(() => chat.send(fakePeer("a"), "x".repeat(CHAT_MAX_LENGTH + 1), [])), "BAD_REQUEST");
    assert.equal(chat.history().length, 0);
  });

  test("rate limit per person: a burst, then one per second; a rejoin (new peer id) does not reset it", () => {
    let now = 1_000_000;
    const chat = new RoomChat({ roomId: "r", now: () => now });
    const a = fakePeer("a");
    for (let i = 0; i < CHAT_BURST; i++) assert.equal(code(() => chat.send(a, `m${i}`, [])), "ok");
    assert.equal(code(() => chat.send(a, "one too many", [])), "RATE_LIMITED");
    const rejoined = fakePeer("a2", { participantKey: a.participantKey });
    assert.equal(code(() => chat.send(rejoined, "again", [])), "RATE_LIMITED");
    assert.equal(code(() => chat.send(fakePeer("b"), "others are not limited by a", [])), "ok");
    now += 1000;
    assert.equal(code(() => chat.send(rejoined, "a second later", [])), "ok");
    assert.equal(code(() => chat.send(rejoined, "too soon", [])), "RATE_LIMITED");
    assert.equal(chat.history().filter((m) => m.text === "one too many").length, 0, "refused messages are not kept");
  });

  test("keeps the last CHAT_HISTORY_LIMIT messages, oldest first", () => {
    let now = 0;
    const chat = new RoomChat({ roomId: "r", now: () => (now += 1000) });
    const a = fakePeer("a");
    for (let i = 0; i < CHAT_HISTORY_LIMIT + 20; i++) chat.send(a, `m${i}`, []);
    const h = chat.history();
    assert.equal(h.length, CHAT_HISTORY_LIMIT);
    assert.equal(h[0].text, "m20");
    assert.equal(h[h.length - 1].text, `m${CHAT_HISTORY_LIMIT + 19}`);
  });

  test("archives messages of meeting rooms with the sender's stable key; an archive failure does not fail the send", () => {
    const archived: ArchivedChatMessage[] = [];
    const chat = new RoomChat({ roomId: "r", archive: { record: (m) => void archived.push(m) } });
    chat.send(fakePeer("a"), "kept", []);
    chat.send(fakePeer("b", { meetingId: undefined }), "not a meeting room", []);
    assert.deepEqual(
      archived.map((m) => [m.text, m.meetingId, m.senderKey, m.roomId]),
      [["kept", "m1", "key-a", "r"]],
    );
    const broken = new RoomChat({ roomId: "r", archive: { record: () => { throw new Error("db down"); } } });
    assert.equal(broken.send(fakePeer("a"), "still delivered", []).text, "still delivered");
  });
});

const skip = workerMissingReason() ?? false;

describe("chat through the signaling server (real mediasoup worker)", { skip }, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ reconnectGraceMs: 3000 });
  });
  after(async () => {
    await server?.close();
  });

  test("3 people chat; a late joiner gets the history in the join reply; a resume gets it in the snapshot", async () => {
    const roomId = "chat-main";
    const [a, b, c] = await Promise.all(["Ann", "Bob", "Cid"].map((n) => joinedClient(server, roomId, n)));
    const sent = await a.client.ok("sendChat", { text: "hi all" });
    assert.ok(responseSchemas.sendChat.safeParse(sent).success);
    for (const other of [b, c]) {
      const n = await other.client.waitFor("chatMessage", (d) => d.id === sent.message.id);
      assert.equal(n.data.fromName, "Ann");
      assert.equal(n.data.text, "hi all");
    }
    await b.client.ok("sendChat", { text: "<img src=x onerror=alert(1)>" });
    await c.client.waitFor("chatMessage", (d) => d.fromName === "Bob");
    assert.equal(a.client.count("chatMessage"), 1, "the sender does not get its own message as a notification");

    const late = await joinedClient(server, roomId, "Dee");
    assert.deepEqual(
      late.join.chat.map((m: ChatMessage) => [m.fromName, m.text]),
      [["Ann", "hi all"], ["Bob", "<img src=x onerror=alert(1)>"]],
    );
    assert.equal((await late.client.ok("getChatHistory", {})).messages.length, 2);

    // Cid's socket dies; a message is sent meanwhile; the resume snapshot has it
    c.client.ws.terminate();
    await a.client.waitFor("peerReconnecting", (d) => d.peerId === c.peerId);
    await a.client.ok("sendChat", { text: "while you were away" });
    const again = await TestClient.connect(server.wsUrl);
    const snap = await again.ok("resume", { roomId, peerId: c.peerId, secret: c.join.resumeSecret });
    assert.deepEqual(snap.chat.map((m: ChatMessage) => m.text), ["hi all", "<img src=x onerror=alert(1)>", "while you were away"]);
    for (const x of [a, b, late]) await x.client.close();
    await again.close();
  });

  test("bad chat requests are refused with a clear error; the socket stays usable", async () => {
    const roomId = "chat-bad";
    const pre = await TestClient.connect(server.wsUrl);
    await pre.fails("sendChat", { text: "hi" }, "NOT_JOINED");
    const a = await joinedClient(server, roomId, "Ann");
    await a.client.fails("sendChat", { text: "x".repeat(CHAT_MAX_LENGTH + 1) }, "BAD_REQUEST");
    await a.client.fails("sendChat", { text: "   " }, "BAD_REQUEST");
    await a.client.fails("sendChat", { text: 42 }, "BAD_REQUEST");
    await a.client.fails("sendChat", {}, "BAD_REQUEST");
    let limited = 0;
    for (let i = 0; i < CHAT_BURST + 3; i++) {
      const r = await a.client.request("sendChat", { text: `m${i}` });
      if (!r.ok && r.error?.code === "RATE_LIMITED") limited++;
    }
    assert.ok(limited >= 2, `${limited} refused`);
    assert.deepEqual(await a.client.ok("ping", {}), {});
    await a.client.close();
    await pre.close();
  });
});
