// One subscriber process of the load bench: many WebRTC subscribers, each a participant that
// joins through the product's signaling (our SignalingClient, a join token, the ordinary
// getRouterRtpCapabilities -> createTransport -> join -> newConsumer -> resumeConsumer path)
// with mediasoup-client's own Chrome handler over a real WebRTC stack (webrtc-stack.ts).
// Each consumer counts what it receives (RTP sequence numbers, per consumer).
//
// Talks to the bench over stdin/stdout, one JSON object per line (stdout lines start "@@"):
//   in:  {"cmd":"add","wsUrl","roomId","subscribers":[{"token","name"}],"audio":false}
//        {"cmd":"snapshot","id":n}     {"cmd":"stop"}
//   out: {"event":"ready"}  {"event":"added","ok":n,"failed":n,"errors":[...]}
//        {"event":"snapshot","id":n,"at":ms,"streams":[[key,counts]...],"videoConsumers":n}
import readline from "node:readline";
import { Device } from "mediasoup-client";
import type { Consumer, RtpCapabilities, Transport } from "mediasoup-client/types";
import { SignalingClient } from "../../lib/client/signaling-client";
import { installNodeWebSocket } from "../../lib/ingest/ingest-client";
import { RtpStreamCounter, type StreamCounts } from "./rtp-accounting";
import { installWebRtcStack, type StackName } from "./webrtc-stack";

const stack = (process.env.BENCH_STACK ?? "werift") as StackName;

function emit(msg: unknown): void {
  process.stdout.write(`@@${JSON.stringify(msg)}\n`);
}

type Sub = { client: SignalingClient; transport: Transport; consumers: Map<string, Consumer> };
const subs: Sub[] = [];
/** werift: RTP-level counters per consumer. wrtc: filled from getStats. */
const counters = new Map<string, RtpStreamCounter>();
const statsCounts = new Map<string, StreamCounts>();
let videoConsumers = 0;

function countRtp(key: string, consumer: Consumer): void {
  const track = consumer.track as unknown as {
    onReceiveRtp?: { subscribe(fn: (rtp: { header: { sequenceNumber: number }; payload: Uint8Array }) => void): void };
  };
  if (!track.onReceiveRtp) return; // wrtc: counted from getStats
  const counter = new RtpStreamCounter();
  counters.set(key, counter);
  track.onReceiveRtp.subscribe((rtp) => counter.add(rtp.header.sequenceNumber, rtp.payload.length + 12));
}

async function addSubscriber(wsUrl: string, roomId: string, token: string, name: string, audio: boolean): Promise<void> {
  const client = new SignalingClient(wsUrl);
  await client.connect();
  const { routerRtpCapabilities } = await client.request("getRouterRtpCapabilities", { roomId, token });
  const device = new Device({ handlerName: "Chrome111" });
  await device.load({ routerRtpCapabilities: routerRtpCapabilities as RtpCapabilities });
  const t = await client.request("createTransport", { direction: "recv" });
  const transport = device.createRecvTransport({
    id: t.id,
    iceParameters: t.iceParameters as never,
    iceCandidates: t.iceCandidates as never,
    dtlsParameters: t.dtlsParameters as never,
  });
  transport.on("connect", ({ dtlsParameters }, callback, errback) => {
    client.request("connectTransport", { transportId: t.id, dtlsParameters: dtlsParameters as never }).then(() => callback(), errback);
  });
  const sub: Sub = { client, transport, consumers: new Map() };
  subs.push(sub);
  client.on("newConsumer", (d) => {
    void (async () => {
      const consumer = await transport.consume({
        id: d.consumerId,
        producerId: d.producerId,
        kind: d.kind,
        rtpParameters: d.rtpParameters as never,
      });
      sub.consumers.set(d.consumerId, consumer);
      const key = `${d.kind}:${d.consumerId}`;
      countRtp(key, consumer);
      if (d.kind === "video") videoConsumers++;
      await client.request("resumeConsumer", { consumerId: d.consumerId });
    })().catch((err) => console.error(`consume failed: ${(err as Error).message}`));
  });
  client.on("consumerClosed", ({ consumerId }) => {
    sub.consumers.get(consumerId)?.close();
    sub.consumers.delete(consumerId);
  });
  // A subscriber without audio leaves opus out of its capabilities: the server then gives it
  // video consumers only (its own canConsume check), as it would a client without audio.
  const caps = device.rtpCapabilities;
  const rtpCapabilities = audio ? caps : { ...caps, codecs: (caps.codecs ?? []).filter((c) => c.kind !== "audio") };
  await client.request("join", { roomId, token, displayName: name, rtpCapabilities: rtpCapabilities as never });
}

async function statsSnapshot(): Promise<[string, StreamCounts][]> {
  if (stack !== "wrtc") return [...counters].map(([k, c]) => [k, c.counts()]);
  // wrtc has no per-receiver getStats: read the peer connection's and match inbound-rtp by SSRC
  await Promise.all(
    subs.map(async (s) => {
      const bySsrc = new Map<number, { key: string }>();
      for (const [id, c] of s.consumers) {
        const ssrc = c.rtpParameters.encodings?.[0]?.ssrc;
        if (ssrc !== undefined) bySsrc.set(ssrc, { key: `${c.kind}:${id}` });
      }
      const stats = await s.transport.getStats().catch(() => null);
      stats?.forEach((r: Record<string, number | string>) => {
        if (r.type !== "inbound-rtp") return;
        const target = bySsrc.get(Number(r.ssrc));
        if (!target) return;
        const received = Number(r.packetsReceived ?? 0);
        const lost = Math.max(0, Number(r.packetsLost ?? 0));
        statsCounts.set(target.key, { received, expected: received + lost, lost, gaps: 0, duplicates: 0, bytes: Number(r.bytesReceived ?? 0) });
      });
    }),
  );
  return [...statsCounts];
}

async function main(): Promise<void> {
  installNodeWebSocket();
  await installWebRtcStack(stack);
  const rl = readline.createInterface({ input: process.stdin });
  rl.on("line", (line) => {
    let msg: { cmd: string; [k: string]: unknown };
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    if (msg.cmd === "add") {
      const list = msg.subscribers as { token: string; name: string }[];
      void (async () => {
        let ok = 0;
        const errors: string[] = [];
        // a few at a time: like people arriving, and the server's fan-out stays orderly
        const queue = [...list];
        await Promise.all(
          Array.from({ length: Math.min(8, queue.length) }, async () => {
            for (let s = queue.shift(); s; s = queue.shift()) {
              try {
                await addSubscriber(msg.wsUrl as string, msg.roomId as string, s.token, s.name, msg.audio === true);
                ok++;
              } catch (err) {
                errors.push((err as Error).message);
              }
            }
          }),
        );
        emit({ event: "added", ok, failed: errors.length, errors: errors.slice(0, 5) });
      })();
    } else if (msg.cmd === "snapshot") {
      void statsSnapshot().then((streams) =>
        emit({ event: "snapshot", id: msg.id, at: Date.now(), streams, videoConsumers }),
      );
    } else if (msg.cmd === "stop") {
      for (const s of subs) {
        s.transport.close();
        s.client.close();
      }
      setTimeout(() => process.exit(0), 100);
    }
  });
  rl.on("close", () => process.exit(0));
  emit({ event: "ready", stack });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
