// Baseline: the same load through a bare mediasoup router with no app around it. One worker
// (pinned to its own core), one router with the product's codecs; the publishers' ffmpeg
// feeds producers on PlainTransports; every "subscriber" is one SRTP PlainTransport that
// consumes every producer and sends to a UDP socket of ours that counts per consumer.
import * as mediasoup from "mediasoup";
import type { types as ms } from "mediasoup";
import { mediaCodecs } from "../../server/sfu/media-codecs";
import { AUDIO_PT, startFfmpegRtp, VIDEO_PT } from "./ffmpeg";
import { CpuMeter, dropsSince, killOnExit, pin, stopChild, udpDropsByPort } from "./processes";
import { snapshot, windowStats } from "./rtp-accounting";
import type { StepResult, SweepTarget } from "./sweep";
import { UdpSink } from "./udp-sink";

export const SRTP_SUITE: ms.SrtpCryptoSuite = "AEAD_AES_128_GCM";

export type PlainRouterOptions = {
  publishers: number;
  /** Consume the publishers' audio too (counted apart; the figure is video consumers). */
  audio: boolean;
  patternFile: string;
  workerCpu: string;
  otherCpu: string;
  maxSeconds: number;
};

export class PlainRouterBench implements SweepTarget {
  private worker!: ms.Worker;
  private router!: ms.Router;
  private readonly producers: ms.Producer[] = [];
  private readonly ffmpegs: import("node:child_process").ChildProcess[] = [];
  private readonly subscribers: ms.PlainTransport[] = [];
  private readonly sink = new UdpSink();
  private readonly videoKeys = new Set<string>();
  private readonly workerPorts = new Set<number>();
  private readonly sinkPorts = new Set<number>();

  constructor(private readonly opts: PlainRouterOptions) {}

  get workerPid(): number {
    return this.worker.pid;
  }

  async start(): Promise<void> {
    this.worker = await mediasoup.createWorker({ logLevel: "error" });
    killOnExit(this.worker.pid);
    if (!pin(this.worker.pid, this.opts.workerCpu)) console.warn("taskset failed: worker not pinned");
    this.router = await this.worker.createRouter({ mediaCodecs });
    const ip = "127.0.0.1";
    for (let i = 0; i < this.opts.publishers; i++) {
      const make = () =>
        this.router.createPlainTransport({ listenInfo: { protocol: "udp", ip }, rtcpMux: false, comedia: true });
      const vt = await make();
      const at = await make();
      for (const t of [vt, at]) {
        this.workerPorts.add(t.tuple.localPort);
        if (t.rtcpTuple) this.workerPorts.add(t.rtcpTuple.localPort);
      }
      const vssrc = 0x10000000 + i * 2;
      const assrc = vssrc + 1;
      this.producers.push(
        await vt.produce({
          kind: "video",
          rtpParameters: {
            codecs: [
              {
                mimeType: "video/VP8",
                payloadType: VIDEO_PT,
                clockRate: 90000,
                rtcpFeedback: [{ type: "nack" }, { type: "nack", parameter: "pli" }, { type: "ccm", parameter: "fir" }],
              },
            ],
            encodings: [{ ssrc: vssrc }],
          },
        }),
        await at.produce({
          kind: "audio",
          rtpParameters: {
            codecs: [{ mimeType: "audio/opus", payloadType: AUDIO_PT, clockRate: 48000, channels: 2 }],
            encodings: [{ ssrc: assrc }],
          },
        }),
      );
      this.ffmpegs.push(
        startFfmpegRtp({
          file: this.opts.patternFile,
          video: [{ ip, port: vt.tuple.localPort, rtcpPort: vt.rtcpTuple?.localPort, ssrc: vssrc, payloadType: VIDEO_PT }],
          audio: [{ ip, port: at.tuple.localPort, rtcpPort: at.rtcpTuple?.localPort, ssrc: assrc, payloadType: AUDIO_PT }],
          maxSeconds: this.opts.maxSeconds,
          cpus: this.opts.otherCpu,
        }),
      );
    }
  }

  /** Video consumers = subscribers × publishers. */
  get consumers(): number {
    return this.subscribers.length * this.opts.publishers;
  }

  async grow(consumers: number, deadline = Infinity): Promise<number> {
    const wantSubscribers = Math.ceil(consumers / this.opts.publishers);
    // a few at a time (the worker's channel is pipelined); a saturated worker answers slowly:
    // stop at the deadline and measure what is there
    while (this.subscribers.length < wantSubscribers && Date.now() < deadline) {
      const n = Math.min(8, wantSubscribers - this.subscribers.length);
      await Promise.all(Array.from({ length: n }, () => this.addSubscriber()));
    }
    return this.consumers;
  }

  private async addSubscriber(): Promise<void> {
    const port = await this.sink.open();
    this.sinkPorts.add(port);
    const t = await this.router.createPlainTransport({
      listenInfo: { protocol: "udp", ip: "127.0.0.1" },
      rtcpMux: true,
      comedia: false,
      enableSrtp: true,
      srtpCryptoSuite: SRTP_SUITE,
    });
    this.workerPorts.add(t.tuple.localPort);
    // the sink never sends, but connect() needs its keys for the other direction
    await t.connect({ ip: "127.0.0.1", port, srtpParameters: t.srtpParameters });
    for (const producer of this.producers) {
      if (producer.kind === "audio" && !this.opts.audio) continue;
      const consumer = await t.consume({ producerId: producer.id, rtpCapabilities: this.router.rtpCapabilities });
      const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
      if (ssrc === undefined) throw new Error("consumer has no SSRC");
      const key = `${consumer.kind}:${consumer.id}`;
      this.sink.expect(ssrc, key);
      if (consumer.kind === "video") this.videoKeys.add(key);
    }
    this.subscribers.push(t);
  }

  async measure(seconds: number): Promise<StepResult> {
    const workerCpu = new CpuMeter(() => [this.worker.pid]);
    const otherCpu = new CpuMeter(() => [process.pid], () => [this.worker.pid]);
    const drops = udpDropsByPort();
    const video = () => new Map([...this.sink.streams].filter(([k]) => this.videoKeys.has(k)));
    workerCpu.begin();
    otherCpu.begin();
    const before = snapshot(video());
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const after = snapshot(video());
    const stats = windowStats(before, after, this.videoKeys);
    return {
      ...stats,
      consumers: this.consumers,
      workerCpuPct: workerCpu.end(),
      otherCpuPct: otherCpu.end(),
      receiverDrops: dropsSince(drops, (p) => this.sinkPorts.has(p)),
      workerDrops: dropsSince(drops, (p) => this.workerPorts.has(p)),
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.ffmpegs.map((f) => stopChild(f)));
    this.sink.close();
    if (this.worker && !this.worker.closed) this.worker.close();
  }
}
